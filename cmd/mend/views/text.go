package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

// Text renders runs as human text. Output is deterministic: no timestamps,
// no durations, steps in source order, hosts in inventory order.
type Text struct {
	W     io.Writer
	Color bool // ANSI colour; the CLI sets it only on a terminal without NO_COLOR
	// Mode is set by Run. In an apply, a repair that ran shows what its
	// Apply reported, not the preview again (the command is still shown).
	Mode engine.Mode
	// Progress, when set, receives a line per finished host during an
	// apply (see Hook).
	Progress io.Writer
}

// symbol is the one-character mark in front of a step, as Terraform marks
// resources: what kind of thing happens to it.
func symbol(s *engine.StepRun) string {
	switch s.Status {
	case engine.StatusChange, engine.StatusChanged:
		return "~"
	case engine.StatusUnknown, engine.StatusDeferred:
		return "?"
	case engine.StatusFailed, engine.StatusOutcomeUnknown, engine.StatusRefused:
		return "!"
	case engine.StatusSkipped, engine.StatusNotRun:
		return "-"
	case engine.StatusNoOp:
		return "="
	}
	return "#"
}

func (v Text) paint(code, s string) string {
	if !v.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (v Text) statusColor(s engine.Status) string {
	switch s {
	case engine.StatusFailed, engine.StatusRefused, engine.StatusOutcomeUnknown:
		return "31" // red
	case engine.StatusChange, engine.StatusChanged:
		return "33" // yellow
	case engine.StatusOk, engine.StatusNoOp:
		return "32" // green
	}
	return "2" // dim
}

// Run renders a whole plan or apply.
func (v Text) Run(r *engine.Run) error {
	v.Mode = r.Mode
	head := fmt.Sprintf("mend %s: %s (sha256 %s)", r.Mode, Clean(r.Runbook), short(r.RunbookSHA256))
	fmt.Fprintln(v.W, v.paint("1", head))
	if r.Title != "" {
		fmt.Fprintln(v.W, Clean(r.Title))
	}
	if r.Resumes != "" {
		fmt.Fprintf(v.W, "resuming run %s: repairs it finished are skipped (\"done in run ...\"), diagnoses run again\n", Clean(r.Resumes))
	}
	fmt.Fprintln(v.W)
	v.locks(r)
	stage := ""
	for _, s := range r.Steps {
		if s.Stage != "" && s.Stage != stage {
			v.Stage(r.Stage(s.Stage))
		}
		stage = s.Stage
		v.Step(s)
	}
	v.Summary(r)
	return nil
}

// Stage renders a stage's settings and batches, before its steps.
func (v Text) Stage(st *engine.StageRun) {
	if st == nil {
		return
	}
	hosts := 0
	for _, b := range st.Batches {
		hosts += len(b.Hosts)
	}
	batches := fmt.Sprintf("%d batches", len(st.Batches))
	if len(st.Batches) == 1 {
		batches = "1 batch"
	}
	fmt.Fprintf(v.W, "%s (%s): %d hosts in %s\n", v.paint("1", "stage "+Clean(st.Name)), Clean(st.Settings), hosts, batches)
	for _, b := range st.Batches {
		line := fmt.Sprintf("    batch %d: %s - %s", b.Number, Clean(strings.Join(b.Hosts, ", ")), b.Status)
		if b.Reason != "" {
			line += ": " + Clean(b.Reason)
		}
		fmt.Fprintln(v.W, line)
	}
	if len(st.Skipped) > 0 {
		fmt.Fprintf(v.W, "    skipped by the stage's when: %s\n", Clean(strings.Join(st.Skipped, ", ")))
	}
	if len(st.BetweenBatches) > 0 {
		fmt.Fprintf(v.W, "    between batches: %s\n", Clean(strings.Join(st.BetweenBatches, ", ")))
	}
	if st.Stopped != "" {
		fmt.Fprintln(v.W, v.paint("31", "    stopped: "+Clean(st.Stopped)))
	}
	fmt.Fprintln(v.W)
}

// Step renders one step and its hosts.
func (v Text) Step(s *engine.StepRun) {
	status := v.paint(v.statusColor(s.Status), "["+string(s.Status)+"]")
	fmt.Fprintf(v.W, "%s %s %s\n", symbol(s), v.paint("1", Clean(s.Address)), status)
	if s.Approval != "" {
		line := "    approval required: " + Clean(s.Approval)
		if s.Approved != "" {
			line += " (approved by " + Clean(s.Approved) + ")"
		}
		fmt.Fprintln(v.W, line)
	}
	if s.Reason != "" {
		fmt.Fprintf(v.W, "    %s\n", Clean(s.Reason))
	}
	if s.FailureIgnored {
		fmt.Fprintln(v.W, "    failure ignored: on_failure = \"continue\"")
	}
	for _, h := range s.Hosts {
		v.host(s, h)
	}
	fmt.Fprintln(v.W)
}

func (v Text) host(s *engine.StepRun, h *engine.HostRun) {
	name := Clean(h.Host)
	if name == "" {
		name = "(once)"
	}
	switch {
	case h.Batch > 0 && s.BetweenBatches:
		name += fmt.Sprintf(" (after batch %d)", h.Batch)
	case h.Batch > 0:
		name += fmt.Sprintf(" (batch %d)", h.Batch)
	}
	line := fmt.Sprintf("    %s: %s", name, v.paint(v.statusColor(h.Status), string(h.Status)))
	if h.Summary != "" {
		line += " - " + Clean(h.Summary)
	}
	fmt.Fprintln(v.W, line)
	for _, d := range h.Details {
		fmt.Fprintf(v.W, "        %s\n", Clean(d))
	}
	if h.Error != "" {
		fmt.Fprintf(v.W, "        error (%s): %s\n", h.ErrorClass, indentRest(CleanBlock(h.Error), "        "))
	}
	if h.OutputExcerpt != "" && (h.Status == engine.StatusFailed || h.Status == engine.StatusOutcomeUnknown) {
		v.excerpt(h.OutputExcerpt)
	}
	if h.Preview != nil && s.Phase == steps.Repair {
		ran := v.Mode == engine.ModeApply && (h.Status == engine.StatusChanged || h.Status == engine.StatusFailed || h.Status == engine.StatusOutcomeUnknown)
		v.preview(h.Preview, ran)
	}
}

// ExcerptLines is how many lines of a failed step's output the text view
// shows (the last ones); the audit log and JSON keep the whole excerpt.
const ExcerptLines = 10

// excerpt prints the last ExcerptLines lines of a failed step's output,
// each cut to 200 bytes.
func (v Text) excerpt(out string) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	head := "output:"
	if len(lines) > ExcerptLines {
		head = fmt.Sprintf("output (last %d of %d lines; the audit log has more):", ExcerptLines, len(lines))
		lines = lines[len(lines)-ExcerptLines:]
	}
	fmt.Fprintf(v.W, "        %s\n", head)
	for _, l := range lines {
		if len(l) > 200 {
			l = strings.ToValidUTF8(l[:200], "") + "…"
		}
		fmt.Fprintf(v.W, "        | %s\n", Clean(l))
	}
}

// preview prints what a repair would do; after it ran (ran), only the
// command, since the host's details already say what it did.
func (v Text) preview(p *steps.Preview, ran bool) {
	if p.Command != "" {
		fmt.Fprintf(v.W, "        command: %s\n", Clean(p.Command))
	}
	if ran {
		return
	}
	for _, c := range p.Changes {
		fmt.Fprintf(v.W, "        %s\n", Clean(c))
	}
	if p.Diff == "" {
		return
	}
	for _, l := range strings.Split(strings.TrimRight(p.Diff, "\n"), "\n") {
		code := ""
		switch {
		case strings.HasPrefix(l, "+"):
			code = "32"
		case strings.HasPrefix(l, "-"):
			code = "31"
		}
		l = Clean(l)
		if code != "" {
			l = v.paint(code, l)
		}
		fmt.Fprintf(v.W, "        %s\n", l)
	}
}

// Summary prints the closing line(s): counts, and what was not done.
func (v Text) Summary(r *engine.Run) {
	c := Count(r)
	failed := fmt.Sprint(c.Failed)
	if c.Ignored > 0 {
		failed += fmt.Sprintf(" (%d ignored)", c.Ignored)
	}
	if r.Mode == engine.ModePlan {
		if c.Change+c.Unknown == 0 && c.Failed == c.Ignored {
			fmt.Fprintln(v.W, v.paint("32", "No changes. The hosts match what this runbook repairs towards: nothing to do."))
		} else {
			fmt.Fprintf(v.W, "Plan: %d to change, %d known at apply, %d already converged, %d skipped; %d diagnoses ran, %s failed, %d deferred.\n",
				c.Change, c.Unknown, c.NoOp, c.Skipped, c.Diagnosed, failed, c.Deferred)
		}
	} else {
		fmt.Fprintf(v.W, "Apply: %d changed, %d already converged, %d skipped, %s failed, %d refused; %d diagnoses ran; %d steps not run.\n",
			c.Changed, c.NoOp, c.Skipped, failed, c.Refused, c.Diagnosed, c.NotRun)
	}
	if r.Err != "" {
		fmt.Fprintln(v.W, v.paint("31", "Stopped: "+CleanBlock(r.Err)))
	}
	if nd := r.NotDone(); len(nd) > 0 && r.Mode == engine.ModeApply {
		fmt.Fprintln(v.W, "Not done:")
		for _, a := range nd {
			fmt.Fprintf(v.W, "  %s\n", Clean(a))
		}
	}
}

func short(sha string) string {
	if len(sha) > 12 {
		sha = sha[:12]
	}
	return Clean(sha)
}

func indentRest(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}
