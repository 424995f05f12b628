package wait_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/command"
	"github.com/mend-sh/mend/steps/wait"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// poolResolver is a steps.HostResolver over an SSH pool, as the engine's:
// each call returns the pool's live connection, redialling a dead one.
type poolResolver struct {
	pool  *mendssh.Pool
	srv   *sshtest.Server
	asked []string
}

func (r *poolResolver) Host(ctx context.Context, name string) (steps.Host, error) {
	r.asked = append(r.asked, name)
	if name != r.srv.Target().Name {
		return nil, fmt.Errorf("host %q is not in the inventory", name)
	}
	return r.pool.Host(ctx, r.srv.Target())
}

// hooked is a diagnose type that calls before(n) ahead of its nth run of
// the real type it wraps.
type hooked struct {
	steps.Diagnoser
	n      int
	before func(n int)
}

func (h *hooked) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	h.n++
	h.before(h.n)
	return h.Diagnoser.Diagnose(ctx, req)
}

// TestReconnectsAfterSSHDRestart waits, over a real sshd, for a file that
// appears while sshd restarts (a review finding: the wait kept using the
// dead connection and could only time out). Attempt 1 finds no file;
// before attempt 2 the file is made and sshd restarted, so attempt 2
// fails with a transport error; attempt 3 runs on a connection the
// resolver dialled afresh, finds the file and satisfies the wait.
func TestReconnectsAfterSSHDRestart(t *testing.T) {
	srv := sshtest.Start(t)
	pool := srv.Pool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host, err := pool.Host(ctx, srv.Target())
	if err != nil {
		t.Fatal(err)
	}
	flag := filepath.Join(t.TempDir(), "ready")
	check := &hooked{Diagnoser: command.Diagnose{}, before: func(n int) {
		if n == 2 {
			if err := os.WriteFile(flag, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			srv.Restart(t)
		}
	}}
	w := wait.New(func(name string) steps.Diagnoser {
		if name == "command" {
			return check
		}
		return nil
	})
	src := fmt.Sprintf("interval = \"100ms\"\ncheck \"command\" {\n  command = \"test -e %s\"\n  expect_exit = [0, 1]\n}\nuntil = self.exit_code == 0\n", flag)
	ev := vars(nil)
	cfg := decode(t, w, ev, src)
	if err := w.ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	hosts := &poolResolver{pool: pool, srv: srv}
	resp, err := w.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: host, Hosts: hosts, Timeout: 10 * time.Second, Eval: ev})
	got := summarize(resp, err)
	if diff := cmp.Diff(result{Satisfied: true, Attempts: 3}, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nerr: %v\n%s", diff, err, strings.Join(resp.Details, "\n"))
	}
	if diff := cmp.Diff([]string{"sshtest"}, hosts.asked); diff != "" {
		t.Errorf("hosts asked of the resolver (-want +got):\n%s", diff)
	}
	if len(resp.Details) < 2 || !strings.Contains(resp.Details[1], "error (transport)") {
		t.Errorf("details %q: want attempt 2 to have failed with a transport error", resp.Details)
	}
}
