package engine_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
)

// The work of BASELINES.md's "20 sequential steps on 10 hosts" row: ten
// host aliases of one sshd, twenty `true` steps each, hosts in parallel.
// mend and OpenSSH (one ControlMaster per alias, as the baseline) do it
// against the same sshd in the same run; compare the ratio:
//
//	go test -run '^$' -bench TwentySteps -benchtime 5x ./engine/
const benchHosts, benchSteps = 10, 20

func benchRunbook(b *testing.B) (*runbooks.Runbook, *runbooks.Inventory) {
	var src, inv strings.Builder
	for i := 0; i < benchSteps; i++ {
		fmt.Fprintf(&src, "diagnose \"command\" \"s%d\" {\n  on      = \"all\"\n  command = \"true\"\n}\n", i)
	}
	for i := 0; i < benchHosts; i++ {
		fmt.Fprintf(&inv, "host \"h%d\" {\n  address = \"127.0.0.1\"\n  groups  = [\"all\"]\n}\n", i)
	}
	rb, diags := load("bench.mend.hcl", []byte(src.String()), builtin.Registry())
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	in, diags := runbooks.LoadInventory("inv.mend.hcl", []byte(inv.String()))
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	return rb, in
}

// BenchmarkTwentyStepsTenHostsMend is one whole apply, cold: ten new
// connections (handshake + auth), then 200 sessions, with the audit log
// written and fsynced as the CLI does (two records per step and host).
func BenchmarkTwentyStepsTenHostsMend(b *testing.B) {
	srv := sshtest.Start(b, sshtest.WithConfig("MaxSessions 100"))
	rb, inv := benchRunbook(b)
	log, err := audit.Open(filepath.Join(b.TempDir(), "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	for b.Loop() {
		pool := srv.Pool(b)
		eng := engine.New(engine.Options{Registry: builtin.Registry(), Connector: poolConnector{srv, pool}, Audit: log})
		run, err := eng.Apply(context.Background(), engine.Request{Runbook: rb, Inventory: inv})
		if err != nil || run.Failed() {
			b.Fatalf("apply: %v %s", err, run.Err)
		}
		pool.Close()
	}
}

// BenchmarkTwentyStepsTenHostsOpenSSH is the same work with OpenSSH's
// client: per host, a ControlMaster connection and twenty multiplexed
// `ssh host true`, hosts in parallel (BASELINES: 2.61 s).
func BenchmarkTwentyStepsTenHostsOpenSSH(b *testing.B) {
	if _, err := exec.LookPath("ssh"); err != nil {
		b.Skip("no OpenSSH client")
	}
	srv := sshtest.Start(b, sshtest.WithConfig("MaxSessions 100"))
	for b.Loop() {
		dir, err := os.MkdirTemp("", "mend-cm")
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, benchHosts)
		for h := 0; h < benchHosts; h++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				args := append([]string{"-o", "ControlMaster=auto", "-o", "ControlPersist=60",
					"-o", "ControlPath=" + filepath.Join(dir, fmt.Sprint(h))}, srv.SSHArgs()...)
				for s := 0; s < benchSteps; s++ {
					if out, err := exec.Command("ssh", append(args, "true")...).CombinedOutput(); err != nil {
						errs <- fmt.Errorf("%v: %s", err, out)
						return
					}
				}
				// -O exit goes before the host name, or ssh would run it remotely.
				host := args[len(args)-1]
				_ = exec.Command("ssh", append(append(args[:len(args)-1:len(args)-1], "-O", "exit"), host)...).Run()
			}()
		}
		wg.Wait()
		os.RemoveAll(dir)
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
	}
}
