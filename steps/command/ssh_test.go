package command

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// TestOverSSH runs both phases against a real OpenSSH sshd on 127.0.0.1,
// through mend's SSH transport.
func TestOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()

	t.Run("diagnose", func(t *testing.T) {
		cfg := DiagnoseConfig{Command: `read x; printf '{"got": "%s"}' "$x"; exit 2`, Stdin: "hi\n", JSON: true, ExpectExit: []int{2}}
		resp, err := Diagnose{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &cfg, Host: h})
		if err != nil {
			t.Fatalf("Diagnose: %v", err)
		}
		want := outputOf(2, `{"got": "hi"}`, "", cty.ObjectVal(map[string]cty.Value{"got": cty.StringVal("hi")}), true)
		if diff := cmp.Diff(want, resp.Output.GoString()); diff != "" {
			t.Errorf("Output (-want +got):\n%s", diff)
		}
	})

	t.Run("repair plan, apply, plan again", func(t *testing.T) {
		marker := filepath.Join(t.TempDir(), "ran")
		cfg := RepairConfig{Command: "touch " + marker, Creates: marker}
		plan, err := Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
		if err != nil || plan.Action != steps.Change || plan.Preview.Command != cfg.Command {
			t.Fatalf("Plan = %v %+v, %v; want change with the command", plan.Action, plan.Preview, err)
		}
		assertMissing(t, marker)
		if resp, err := (Repair{}).Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h}); err != nil || !resp.Changed {
			t.Fatalf("Apply = changed %v, %v", resp.Changed, err)
		}
		assertExists(t, marker)
		plan, err = Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
		if err != nil || plan.Action != steps.NoOp || plan.Preview.Summary != "skipped: "+marker+" exists" {
			t.Errorf("second Plan = %v %q, %v; want no-op", plan.Action, plan.Preview.Summary, err)
		}
	})

	t.Run("timeout kills the remote command", func(t *testing.T) {
		pidFile := filepath.Join(t.TempDir(), "pid")
		tctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		cfg := RepairConfig{Command: "sleep 30 & echo $! > " + pidFile + "; wait"}
		_, err := Repair{}.Apply(tctx, steps.ApplyRequest{Config: &cfg, Host: h})
		if steps.Classify(err) != steps.ClassTimeout {
			t.Fatalf("Apply error = %v (%s), want class timeout", err, steps.Classify(err))
		}
		if _, err := os.Stat(pidFile); err != nil {
			t.Fatalf("the command never started: %v", err)
		}
		assertGone(t, pidFile)
	})
}
