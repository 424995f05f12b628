package views

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mend-sh/mend/engine"
)

// ShowFormats are the names `mend show -format` accepts.
var ShowFormats = []string{"text", "markdown"}

// Show renders an outline (`mend show`) in format: text for a terminal,
// markdown for a pull-request comment. Every string from the runbook or
// the inventory is escaped (Clean, or markdown escaping).
func Show(w io.Writer, format string, o *engine.Outline) error {
	switch format {
	case "text":
		return ShowText(w, o)
	case "markdown":
		return ShowMarkdown(w, o)
	}
	return fmt.Errorf("unknown -format %q: use text or markdown", format)
}

// ShowText writes the outline for a terminal.
func ShowText(w io.Writer, o *engine.Outline) error {
	bw := bufio.NewWriter(w)
	if o.Title != "" {
		fmt.Fprintln(bw, Clean(o.Title))
	}
	fmt.Fprintf(bw, "runbook %s (sha256 %s)\n", Clean(o.Runbook), Clean(o.SHA256))
	if o.Description != "" {
		fmt.Fprintf(bw, "\n%s\n", strings.TrimRight(CleanBlock(o.Description), "\n"))
	}
	if len(o.Variables) > 0 {
		fmt.Fprintln(bw, "\nVariables:")
		for _, v := range o.Variables {
			fmt.Fprintf(bw, "  %s = %s\n", Clean(v.Name), Clean(variableValue(v)))
			if v.Description != "" {
				fmt.Fprintf(bw, "      %s\n", Clean(v.Description))
			}
		}
	}
	fmt.Fprintf(bw, "\nSteps, in order (shown without reaching any host; %s):\n", inventoryNote(o))
	stage := ""
	for i, s := range o.Steps {
		if s.Stage != stage && s.Stage != "" {
			fmt.Fprintf(bw, "\nstage %s (%s): its steps roll through its hosts together\n", Clean(s.Stage), Clean(s.StageSettings))
		}
		stage = s.Stage
		showStepText(bw, i+1, s)
	}
	return bw.Flush()
}

func showStepText(w io.Writer, n int, s *engine.OutlineStep) {
	indent := "  "
	if s.Stage != "" {
		indent = "    "
	}
	between := ""
	if s.Between {
		between = " (between batches)"
	}
	fmt.Fprintf(w, "\n%s%d. %s%s (line %d)\n", indent, n, Clean(s.Address), between, s.Line)
	in := indent + "   "
	for _, line := range strings.Split(s.Comment, "\n") {
		if line != "" {
			fmt.Fprintf(w, "%s%s\n", in, Clean(line))
		}
	}
	for _, f := range stepFacts(s) {
		fmt.Fprintf(w, "%s%s: %s\n", in, f.label, Clean(f.text))
	}
}

// detailLabel labels a line of a step's description after its summary.
const detailLabel = "  and"

// fact is one labelled line of a step, the same in text and markdown.
type fact struct{ label, text string }

// stepFacts are what a reviewer needs of a step, in reading order.
func stepFacts(s *engine.OutlineStep) []fact {
	var out []fact
	out = append(out, fact{"on", targetsText(s.Targets)})
	if s.ForEach != "" {
		out = append(out, fact{"for each", s.ForEach})
	}
	if s.When != "" {
		w := s.When
		switch s.WhenNow {
		case "true":
			w += " (true now)"
		case "false":
			w += " (false now: skipped)"
		default:
			w += " (decided at run time)"
		}
		out = append(out, fact{"when", w})
	}
	label := "does"
	if s.Phase.String() == "repair" {
		label = "changes"
	}
	if !s.Described {
		label = s.Type
	}
	out = append(out, fact{label, s.Does.Summary})
	for _, d := range s.Does.Details {
		out = append(out, fact{detailLabel, d})
	}
	if s.Gate != nil {
		out = append(out, fact{"gate", gateText(s.Gate)})
	}
	for _, st := range s.Settings {
		out = append(out, fact{"note", st})
	}
	for _, e := range s.Expects {
		out = append(out, fact{"expects", e.Condition + "; else stops: " + e.Message})
	}
	return out
}

// targetsText is a step's hosts for a reader.
func targetsText(t engine.OutlineTargets) string {
	switch {
	case t.Expr == "":
		return "no host of its own (names its hosts in its arguments, or needs none)"
	case t.Problem != "":
		return t.Expr + ": cannot be resolved: " + t.Problem
	case !t.Known:
		return t.Expr + " (known at run time)"
	}
	return t.Expr + " → " + strings.Join(t.Hosts, ", ")
}

// gateText says who must approve a gated repair.
func gateText(g *engine.OutlineGate) string {
	var who string
	switch {
	case g.Required > 1:
		who = fmt.Sprintf("apply stops here until %d people approve: %d signed approvals of the saved plan (mend approve) from distinct signers in allowed_signers", g.Required, g.Required)
	case g.Required == 1:
		who = "apply stops here until one signed approval of the saved plan (mend approve) from a signer in allowed_signers"
	default:
		who = "apply stops here until an operator approves (typing its name at the terminal, --approve, or one signed approval of the saved plan)"
	}
	if g.NoSelfApproval {
		who += "; the operator running apply cannot approve their own run"
	}
	if g.Dangerous {
		who += "; this step type always needs a gate"
	}
	reason := g.Reason
	if g.ReasonAtRunTime {
		reason += " (known at run time)"
	}
	return who + ". Reason: " + reason
}

// variableValue is a variable's value for a reader.
func variableValue(v engine.OutlineVariable) string {
	if !v.Known {
		return "(no value given: known at run time)"
	}
	return v.Value
}

// inventoryNote says whether targets were resolved.
func inventoryNote(o *engine.Outline) string {
	if o.Inventory {
		return "targets resolved from the inventory"
	}
	return "no inventory given (-i): targets are the names as written"
}
