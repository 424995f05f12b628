package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/internal/sshtest"
)

// resumeEnv is a built mend binary, a real sshd with one host ("box") in
// an inventory, an audit log and a state dir in a temporary directory.
type resumeEnv struct {
	t                  *testing.T
	dir, bin, inv, log string
}

func newResumeEnv(t *testing.T) *resumeEnv {
	srv := sshtest.Start(t)
	dir, bin, _, write := gateFixture(t)
	inv := write("ssh.mend.hcl", boxInventory(srv))
	e := &resumeEnv{t: t, dir: dir, bin: bin, inv: inv, log: filepath.Join(dir, "audit.jsonl")}
	// Whatever happens, let the blocked repairs left on the host end, and
	// wait (bounded) until no process runs one: each writes block.log as it
	// ends, and the temp dir's removal must not race with that write.
	t.Cleanup(func() {
		os.WriteFile(e.path("release"), nil, 0o644)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if exec.Command("pgrep", "-f", e.path("release")).Run() != nil {
				return // none left (pgrep exits 1 when nothing matches)
			}
		}
		t.Errorf("a blocked repair still runs 10 s after its release")
	})
	return e
}

func (e *resumeEnv) path(name string) string { return filepath.Join(e.dir, name) }

// runbook writes rb.mend.hcl: a diagnose reading append.log, a gated
// repair appending a line to it, a repair that blocks until the file
// "release" exists (at most 60 s) and a last repair that runs only when
// the appending one changed the host (so a resumed run must keep the
// `changed` of a repair it skips as done); extra goes into the blocking
// repair's block.
func (e *resumeEnv) runbook(extra string) string {
	d := e.dir
	rb := fmt.Sprintf(`diagnose "command" "probe" {
  on      = ["box"]
  command = "cat %[1]s/append.log 2>/dev/null || true"
}

repair "command" "append" {
  on      = ["box"]
  command = "echo line >> %[1]s/append.log"
  approval {
    reason = "appends a line"
  }
}

repair "command" "block" {
  on      = ["box"]
  command = "touch %[1]s/started; i=0; while [ ! -e %[1]s/release ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo ran >> %[1]s/block.log"
  %[2]s
}

repair "command" "after" {
  on      = ["box"]
  when    = repair.command.append.changed
  command = "echo after >> %[1]s/after.log"
}
`, d, extra)
	p := e.path("rb.mend.hcl")
	if err := os.WriteFile(p, []byte(rb), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// mend runs the built binary and returns its exit code and output.
func (e *resumeEnv) mend(args ...string) (int, string, string) {
	e.t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+e.path("state"), "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// killMidRepair starts mend with args, SIGKILLs it once the blocking
// repair has started on the host (bounded: 60 s), and returns the id of
// the run it killed.
func (e *resumeEnv) killMidRepair(args ...string) string {
	e.t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+e.path("state"), "NO_COLOR=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-done:
			e.t.Fatalf("mend ended (%v) before the blocking repair started\n%s", err, out.String())
		default:
		}
		if _, err := os.Stat(e.path("started")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			e.t.Fatalf("the blocking repair did not start within 60 s\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		e.t.Fatal(err)
	}
	<-done
	os.Remove(e.path("started"))
	return e.lastRun()
}

// lastRun is the id of the last run that started in the audit log.
func (e *resumeEnv) lastRun() string {
	e.t.Helper()
	recs, err := audit.ReadAll(e.log)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Event == audit.EventRunStart {
			return recs[i].RunID
		}
	}
	e.t.Fatal("no run in the audit log")
	return ""
}

// lines counts the lines of a file in the work dir (0 when missing).
func (e *resumeEnv) lines(name string) int {
	b, err := os.ReadFile(e.path(name))
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

func (e *resumeEnv) want(what string, got, want int) {
	e.t.Helper()
	if got != want {
		e.t.Errorf("%s: %d, want %d", what, got, want)
	}
}

func (e *resumeEnv) refused(what string, code int, stderr string, want ...string) {
	e.t.Helper()
	e.t.Logf("%s: exit %d\n%s", what, code, stderr)
	if code == 0 {
		e.t.Errorf("%s: exit 0, want a refusal", what)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			e.t.Errorf("%s: stderr does not say %q:\n%s", what, w, stderr)
		}
	}
}

// TestResumeAfterKill (issue 10.5): an apply is SIGKILLed mid-repair on a
// real sshd. Resuming it without a decision is refused, naming the repair
// whose outcome is unknown; so is resuming it with the runbook edited.
// With the decision (--skip-unknown) it completes: the repair the killed
// run finished is not run again (its file has one line, not two) and its
// gate is not asked, the later repair runs, the log verifies and shows
// which run was resumed. A finished run, a run resumed already and a run
// that is not in the log are refused.
func TestResumeAfterKill(t *testing.T) {
	e := newResumeEnv(t)
	rb := e.runbook("")
	base := []string{"apply", "-i", e.inv, "--audit-log", e.log}
	dead := e.killMidRepair(append(base, "--approve", "repair.command.append", rb)...)
	e.want("append.log lines after the kill", e.lines("append.log"), 1)

	code, _, errs := e.mend(append(base, "--resume", dead, rb)...)
	e.refused("resume without a decision", code, errs, "repair.command.block on box", "outcome", "unknown", "--rerun-unknown", "--skip-unknown repair.command.block", "nothing was run")

	orig, _ := os.ReadFile(rb)
	os.WriteFile(rb, append(orig, "# edited\n"...), 0o644)
	code, _, errs = e.mend(append(base, "--resume", dead, "--skip-unknown", "repair.command.block", rb)...)
	e.refused("resume of an edited runbook", code, errs, "cannot resume run "+dead, "was edited since run "+dead)
	os.WriteFile(rb, orig, 0o644)

	code, _, errs = e.mend(append(base, "--resume", dead, "--skip-unknown", "repair.command.nope", rb)...)
	e.refused("a skip of no unknown repair", code, errs, "--skip-unknown repair.command.nope", "repair.command.block on box")
	e.want("append.log lines after the refusals", e.lines("append.log"), 1)
	e.want("after.log lines after the refusals", e.lines("after.log"), 0)

	code, out, errs := e.mend(append(base, "--resume", dead, "--skip-unknown", "repair.command.block", rb)...)
	if code != 0 {
		t.Fatalf("resume with --skip-unknown: exit %d\n%s\n%s", code, out, errs)
	}
	t.Logf("resumed apply:\n%s%s", out, errs)
	resumed := e.lastRun()
	e.want("append.log lines after the resume", e.lines("append.log"), 1)
	e.want("after.log lines after the resume", e.lines("after.log"), 1)
	for _, w := range []string{"resuming run " + dead, "done in run " + dead + " (changed)", "skipped by the operator's decision", "repair.command.after [changed]",
		"box: broke the lock of run " + dead} {
		if !strings.Contains(out, w) {
			t.Errorf("the resumed apply does not say %q:\n%s", w, out)
		}
	}
	if code, out, errs := e.mend("audit", "verify", e.log); code != 0 {
		t.Errorf("audit verify: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ := e.mend("audit", "runs", e.log); !strings.Contains(out, "(resumes "+dead+")") {
		t.Errorf("audit runs does not show what was resumed:\n%s", out)
	}
	_, show, _ := e.mend("audit", "show", "--run", resumed, e.log)
	t.Logf("audit show --run %s:\n%s", resumed, show)
	if out := show; !strings.Contains(out, "resuming run "+dead) || !strings.Contains(out, "done in run "+dead) ||
		!strings.Contains(out, "the operator decided") {
		t.Errorf("audit show of the resumed run:\n%s", out)
	}

	code, _, errs = e.mend(append(base, "--resume", dead, "--skip-unknown", "repair.command.block", rb)...)
	e.refused("resuming a run twice", code, errs, "was resumed already by run "+resumed)
	code, _, errs = e.mend(append(base, "--resume", resumed, rb)...)
	e.refused("resuming a finished run", code, errs, "run "+resumed+" finished at", "nothing to resume")
	code, _, errs = e.mend(append(base, "--resume", "nosuchrun", rb)...)
	e.refused("resuming a run not in the log", code, errs, "has no run nosuchrun")
	e.want("append.log lines at the end", e.lines("append.log"), 1)
	e.want("after.log lines at the end", e.lines("after.log"), 1)
}

// TestResumeSavedPlanAfterKill (issue 10.5): the apply of a saved plan is
// SIGKILLed mid-repair. Applying the plan again is refused (it is not
// replayed) and names the run to resume; resuming it without a decision
// is refused; with --rerun-unknown the unknown repair runs again while the
// finished one does not, though the diagnose the plan compared now reads
// what that repair wrote. The plan is then used up.
func TestResumeSavedPlanAfterKill(t *testing.T) {
	e := newResumeEnv(t)
	rb := e.runbook(`when    = length(diagnose.command.probe.stdout) < 100`)
	if code, out, errs := e.mend("plan", "-i", e.inv, "--audit-log", e.log, "-out", "plan.json", rb); code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errs)
	}
	base := []string{"apply", "--audit-log", e.log}
	dead := e.killMidRepair(append(base, "--approve", "repair.command.append", "plan.json")...)
	e.want("append.log lines after the kill", e.lines("append.log"), 1)

	code, _, errs := e.mend(append(base, "--approve", "repair.command.append", "plan.json")...)
	e.refused("applying the plan again", code, errs, "run "+dead, "did not finish", "--resume "+dead)
	code, _, errs = e.mend(append(base, "--resume", dead, "plan.json")...)
	e.refused("resume without a decision", code, errs, "repair.command.block on box", "--rerun-unknown")
	code, _, errs = e.mend(append(base, "-i", e.inv, "--resume", dead, "--rerun-unknown", e.path("rb.mend.hcl"))...)
	e.refused("resuming a plan's run with the runbook", code, errs, "applied the saved plan", "resume it with that plan file")
	e.want("append.log lines after the refusals", e.lines("append.log"), 1)

	if err := os.WriteFile(e.path("release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// --approve for the finished repair too: it must be skipped as done,
	// not asked and run again.
	code, out, errs := e.mend(append(base, "--resume", dead, "--rerun-unknown", "--approve", "repair.command.append", "plan.json")...)
	if code != 0 {
		t.Fatalf("resume with --rerun-unknown: exit %d\n%s\n%s", code, out, errs)
	}
	e.want("append.log lines after the resume", e.lines("append.log"), 1)
	e.want("after.log lines after the resume", e.lines("after.log"), 1)
	for _, w := range []string{"done in run " + dead, "repair.command.block [changed]", "repair.command.after [changed]"} {
		if !strings.Contains(out, w) {
			t.Errorf("the resumed apply does not say %q:\n%s", w, out)
		}
	}
	resumed := e.lastRun()
	recs, err := audit.ReadAll(e.log)
	if err != nil {
		t.Fatal(err)
	}
	var decided, reran bool
	for _, r := range recs {
		decided = decided || (r.RunID == resumed && r.Event == audit.EventNote && r.Detail[audit.DetailDecision] == audit.DecisionRerun)
		reran = reran || (r.RunID == resumed && r.Event == audit.EventStepStart && r.Step == "repair.command.block")
	}
	if !decided || !reran {
		t.Errorf("the resumed run's log: decision recorded %v, block run again %v", decided, reran)
	}
	code, _, errs = e.mend(append(base, "--approve", "repair.command.append", "plan.json")...)
	e.refused("applying the plan after the resume", code, errs, "this plan was already applied")
	if code, out, errs := e.mend("audit", "verify", e.log); code != 0 {
		t.Errorf("audit verify: exit %d\n%s%s", code, out, errs)
	}
}
