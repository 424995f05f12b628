package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mend-sh/mend/approval"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
)

// approver grants a gate when --approve names it, else asks on the
// terminal, else refuses. There is no way to grant all gates at once.
type approver struct {
	flagged  map[string]bool
	terminal bool
	stdin    io.Reader
	in       *bufio.Reader
	out      io.Writer
	operator string
	names    map[string]string // address -> step name the operator types
	gates    []string          // every gated repair, in source order
	// approvals are the gates' blocks by address; signed the verified
	// signatures on the saved plan being applied.
	approvals map[string]*runbooks.Approval
	signed    approval.Signed
}

func (a *app) approver(o runOptions, rb *runbooks.Runbook) *approver {
	ap := &approver{flagged: map[string]bool{}, terminal: isTerminal(a.stdin), stdin: a.stdin,
		in: bufio.NewReader(a.stdin), out: a.stderr, operator: operator(), names: map[string]string{}}
	ap.signed.Operator = ap.operator
	for _, addr := range o.approve {
		ap.flagged[addr] = true
	}
	for _, st := range rb.Steps {
		ap.names[st.Address()] = st.Name
	}
	ap.gates = gatedRepairs(rb)
	ap.approvals = map[string]*runbooks.Approval{}
	for _, st := range rb.Steps {
		if st.Approval != nil {
			ap.approvals[st.Address()] = st.Approval
		}
	}
	return ap
}

// Approve implements engine.Approver.
func (ap *approver) Approve(ctx context.Context, g engine.Gate) (engine.Decision, error) {
	block := g.Block
	if block == "" {
		block = g.Address
	}
	if d, ok := ap.signed.Decide(g, ap.approvals[block]); ok {
		return d, nil
	}
	for _, addr := range []string{g.Address, block} {
		if ap.flagged[addr] {
			return engine.Decision{Granted: true, By: fmt.Sprintf("%s via --approve %s", ap.operator, addr)}, nil
		}
	}
	if !ap.terminal {
		return engine.Decision{Reason: fmt.Sprintf("not approved: no terminal and no --approve %s (this runbook's gates: %s)",
			g.Address, ap.approveFlags()), By: ap.operator}, nil
	}
	ap.show(g)
	name := ap.names[block]
	// An answer typed before this gate was shown (during an earlier
	// step, or while the preview scrolled by) must not approve it.
	ap.discardTypeAhead()
	fmt.Fprintf(ap.out, "\nType %q to approve this repair; anything else refuses: ", name)
	answer, err := readLine(ctx, ap.in)
	if err != nil {
		return engine.Decision{Reason: "no answer: " + err.Error(), By: ap.operator}, nil
	}
	if answer == name || answer == g.Address || answer == block {
		return engine.Decision{Granted: true, By: ap.operator + " on the terminal"}, nil
	}
	return engine.Decision{Reason: fmt.Sprintf("operator typed %q", views.Clean(answer)), By: ap.operator}, nil
}

// show prints the gate: address, reason and every host's preview.
func (ap *approver) show(g engine.Gate) {
	fmt.Fprintf(ap.out, "\nApproval required: %s\n  reason: %s\n", views.Clean(g.Address), views.Clean(g.Reason))
	if g.Batch != "" {
		fmt.Fprintf(ap.out, "  for: %s (asked once per batch)\n", views.Clean(g.Batch))
	}
	sr := &engine.StepRun{Address: g.Address, Phase: steps.Repair, Status: engine.StatusChange}
	for _, p := range g.Previews {
		p := p
		sr.Hosts = append(sr.Hosts, &engine.HostRun{Host: p.Host, Status: engine.StatusChange, Summary: p.Preview.Summary, Preview: &p.Preview})
	}
	views.Text{W: ap.out}.Step(sr)
}

// readLine reads one line, giving up when ctx is done.
func readLine(ctx context.Context, r *bufio.Reader) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := r.ReadString('\n')
		ch <- res{strings.TrimSpace(s), err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case x := <-ch:
		if x.err != nil && x.s == "" {
			return "", x.err
		}
		return x.s, nil
	}
}

// approveFlags spells the flags that would approve every gate of the
// runbook, so a non-interactive operator learns them all at once, not
// one refused run at a time.
func (ap *approver) approveFlags() string {
	var parts []string
	for _, g := range ap.gates {
		parts = append(parts, "--approve "+g)
	}
	return strings.Join(parts, " ")
}

// discardTypeAhead drops what was typed on the terminal and not yet read
// (tcflush(TCIFLUSH)), and what the reader buffered beyond the last answer.
func (ap *approver) discardTypeAhead() {
	_, _ = ap.in.Discard(ap.in.Buffered())
	if f, ok := ap.stdin.(*os.File); ok {
		_ = flushInput(int(f.Fd()))
	}
}
