package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
)

// TestKilledWriteLeavesNothing (issue 7.6): mend is SIGKILLed while it
// sends a 16 MiB file (the largest source a file repair takes) to a real
// sshd on loopback. The host's side must notice its client is gone and
// remove its temporary file, the target must stay as it was, and the next
// run writes the file and removes (and names) a leftover of a write whose
// shell is gone.
func TestKilledWriteLeavesNothing(t *testing.T) {
	srv := sshtest.Start(t)
	dir, bin, _, write := gateFixture(t)
	remote := filepath.Join(dir, "host")
	if err := os.Mkdir(remote, 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(remote, "big.conf")
	if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 16<<20)
	r := rand.New(rand.NewPCG(7, 6))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	src := write("big.src", string(big))
	inv := write("ssh.mend.hcl", boxInventory(srv))
	rb := write("rb.mend.hcl", fmt.Sprintf("repair \"file\" \"big\" {\n  on     = [\"box\"]\n  path   = %q\n  source = %q\n}\n", target, src))
	args := []string{"apply", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--no-color", rb}

	killMidWrite(t, exec.Command(bin, args...), remote, len(big))
	if b, _ := os.ReadFile(target); string(b) != "old\n" {
		t.Fatalf("the killed write changed the target (%d bytes)", len(b))
	}
	waitNoTemp(t, remote)

	// A leftover of a write whose shell is gone (SIGKILL of the shell
	// itself): the next write to that path removes it and says so.
	leftover := filepath.Join(remote, ".big.conf.mend-2147483646-ABCDEFGHIJKL")
	if err := os.WriteFile(leftover, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The killed run left its lock on the host: the next apply breaks it.
	out, err := exec.Command(bin, append([]string{"apply", "--break-lock"}, args[1:]...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("the next apply: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "box: broke the lock of run ") {
		t.Errorf("the next apply does not say it broke the killed run's lock:\n%s", out)
	}
	if want := "removed " + leftover; !strings.Contains(string(out), want) {
		t.Errorf("the next apply does not say %q:\n%s", want, out)
	}
	if b, _ := os.ReadFile(target); !bytes.Equal(b, big) {
		t.Errorf("after the next apply the target has %d bytes, want the source's %d", len(b), len(big))
	}
	if tmp := temps(t, remote); len(tmp) != 0 {
		t.Errorf("after the next apply temporary files remain: %v", tmp)
	}
}

// boxInventory is an inventory of one host, "box", reached through srv.
func boxInventory(srv *sshtest.Server) string {
	return fmt.Sprintf("defaults {\n  user = %q\n  port = %d\n  identity_file = %q\n  known_hosts = %q\n}\n\nhost \"box\" {\n  address = \"127.0.0.1\"\n}\n",
		srv.User, srv.Port, srv.IdentityFile, srv.KnownHostsFile)
}

// killMidWrite starts cmd and SIGKILLs it as soon as a temporary file in
// dir holds some but less than half of the size bytes being sent: the
// transfer is under way. Polls for at most 60 s.
func killMidWrite(t *testing.T, cmd *exec.Cmd, dir string, size int) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("mend ended (%v) before the kill: no temporary file was seen mid-write\n%s", err, out.String())
		default:
		}
		for _, p := range temps(t, dir) {
			if st, err := os.Stat(p); err == nil && st.Size() > 0 && st.Size() < int64(size/2) {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				<-done
				t.Logf("killed mend while %s held %d of %d bytes", filepath.Base(p), st.Size(), size)
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-done
	t.Fatalf("no temporary file in %s within 60 s\n%s", dir, out.String())
}

// waitNoTemp fails unless dir holds no temporary file of a write within
// 10 s.
func waitNoTemp(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tmp := temps(t, dir)
		if len(tmp) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after mend was killed, the host still holds %v", tmp)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// temps lists dir's temporary files of mend writes (.NAME.mend-*).
func temps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.mend-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
