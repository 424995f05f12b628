package diskfull_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/disktest"
	"github.com/mend-sh/mend/internal/sshtest"
)

const runbook = "disk-full.mend.hcl"

// host is a full filesystem on a real sshd, as the page finds it.
type host struct {
	mnt, logDir, logFile string
	writerPID            int
	original             []byte // app.log's content when the page came
}

// TestDiskFullEndToEnd runs the runbook as on-call would: plan (the
// diagnosis, changing nothing), apply refused without approval, apply
// with it (the log emptied in place, its tail kept, the space back, the
// check after passing), and the audit log verified.
func TestDiskFullEndToEnd(t *testing.T) {
	h := fullHost(t)
	srv := sshtest.Start(t)
	bin := buildMend(t)
	inv := writeInventory(t, srv)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	common := []string{"-i", inv, "--audit-log", audit, "-var", "log_dir=" + h.logDir, "-var", "log_file=" + h.logFile}

	plan, stderr, code := mend(t, bin, append(append([]string{"plan", "-detailed-exitcode"}, common...), runbook)...)
	if code != 2 {
		t.Fatalf("plan exit %d, want 2 (a repair pending)\n%s\n%s", code, plan, stderr)
	}
	t.Logf("plan:\n%s", plan)
	if out := os.Getenv("MEND_DISK_FULL_PLAN"); out != "" {
		os.WriteFile(out, []byte(plan), 0o644)
	}
	for _, want := range []string{
		h.mnt + ": 100% used (0 B free of 16.0 MiB)",
		"1 deleted files held open (3.0 MiB)",
		fmt.Sprintf("deleted, held open: %s (3.0 MiB) by app pid %d fd ", filepath.Join(h.logDir, "app.log.old"), h.writerPID),
		"largest under " + h.mnt,
		"1 processes match name \"app\"",
		"lines match \"No space left on device|ENOSPC\"",
		fmt.Sprintf("empty %s in place (6.0 MiB now, held open by app pid %d)", h.logFile, h.writerPID),
		"keep its last 1.0 MiB in " + h.logFile + ".mend-tail",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan does not say %q", want)
		}
	}
	if !intact(t, h) {
		t.Errorf("plan changed %s", h.logFile)
	}

	out, _, code := mend(t, bin, append(append([]string{"apply"}, common...), runbook)...)
	if code != 1 || !intact(t, h) {
		t.Fatalf("apply without approval: exit %d, log intact %v; want 1 and untouched\n%s", code, intact(t, h), out)
	}

	snapshot, err := os.ReadFile(h.logFile)
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code = mend(t, bin, append(append([]string{"apply", "--approve", "repair.file_truncate.app_log"}, common...), runbook)...)
	if code != 0 {
		t.Fatalf("apply exit %d\n%s\n%s", code, out, stderr)
	}
	t.Logf("apply:\n%s", out)
	// The kept tail is the log's last MiB when it was emptied: the end of
	// what it held before apply, and whatever the writer added since.
	tail, err := os.ReadFile(h.logFile + ".mend-tail")
	at := bytes.Index(snapshot, tail[:min(len(tail), 4096)])
	if err != nil || len(tail) != 1<<20 || at < 0 || !bytes.HasPrefix(tail, snapshot[at:]) {
		t.Errorf("kept tail: %d bytes (%v), want the last MiB of the log", len(tail), err)
	}
	if st, err := os.Stat(h.logFile); err != nil || st.Size() > 64<<10 {
		t.Errorf("log after apply: %v, %v; want emptied (a few new lines at most)", st.Size(), err)
	}
	if !disktest.Holds(h.writerPID, h.logFile) {
		t.Errorf("the writer no longer holds %s open: it must be emptied in place, not replaced", h.logFile)
	}
	if free := disktest.FreeBytes(t, h.mnt); free < 4<<20 {
		t.Errorf("free after apply = %d bytes, want the log's space back", free)
	}
	if !strings.Contains(out, "diagnose.disk.after") {
		t.Errorf("apply output does not show the check after the repair:\n%s", out)
	}

	if out, stderr, code := mend(t, bin, "audit", "verify", audit); code != 0 {
		t.Errorf("audit verify exit %d\n%s\n%s", code, out, stderr)
	}
}

// fullHost builds the page's filesystem: a 16 MiB tmpfs with the app's
// log (6 MiB, held open by its writer, "app"), rotated and gzipped
// siblings, a 3 MiB log deleted but still held open, a cache, and a blob
// that filled the rest.
func fullHost(t *testing.T) host {
	t.Helper()
	h := host{mnt: disktest.TmpFS(t, 16<<20)}
	h.logDir = filepath.Join(h.mnt, "log", "app")
	h.logFile = filepath.Join(h.logDir, "app.log")
	os.MkdirAll(h.logDir, 0o755)
	os.MkdirAll(filepath.Join(h.mnt, "cache"), 0o755)
	now := time.Now().UTC().Truncate(time.Second)
	h.original = history(now.Add(-30*time.Minute), now, 6<<20)
	write(t, h.logFile, h.original)
	write(t, h.logFile+".1", history(now.Add(-90*time.Minute), now.Add(-30*time.Minute), 1<<20))
	write(t, h.logFile+".2.gz", gzipped(history(now.Add(-150*time.Minute), now.Add(-90*time.Minute), 1<<20)))
	write(t, filepath.Join(h.logDir, "app.log.old"), bytes.Repeat([]byte("old line\n"), (3<<20)/9+1)[:3<<20])
	write(t, filepath.Join(h.mnt, "cache", "thumbnails.db"), make([]byte, 2<<20))
	for i, name := range []string{"app.log.2.gz", "app.log.1", "app.log"} {
		mt := now.Add(time.Duration(i-3) * time.Hour)
		os.Chtimes(filepath.Join(h.logDir, name), mt, mt)
	}
	// The service: it holds its log open for appending and an old log it
	// deleted, and tries to write a line every 200 ms, as a service whose
	// disk filled would (the writes fail while it is full).
	h.writerPID = disktest.Writer(t, "app", disktest.Files{Append: []string{h.logFile},
		Deleted: []string{filepath.Join(h.logDir, "app.log.old")}, Line: "app[812]: GET /healthz 200"})
	disktest.Fill(t, filepath.Join(h.mnt, "cache", "blob"))
	return h
}

// history is n bytes of the app's log from..to: requests served, and
// write failures that start twenty minutes in and get more frequent.
func history(from, to time.Time, n int) []byte {
	var b bytes.Buffer
	span := to.Sub(from)
	for i := 0; b.Len() < n; i++ {
		at := from.Add(time.Duration(int64(span) * int64(b.Len()) / int64(n)))
		late := at.Sub(from) > span*2/3
		if late && i%2 == 0 {
			fmt.Fprintf(&b, "%s app[812]: write /var/lib/app/chunk-%d failed: No space left on device (req=0x%x)\n", at.Format(time.RFC3339), i, 0xa000+i)
		} else {
			fmt.Fprintf(&b, "%s app[812]: GET /api/items/%d 200 in %dms\n", at.Format(time.RFC3339), i%500, i%90)
		}
	}
	return b.Bytes()[:n]
}

func write(t *testing.T, path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// intact reports whether the log still holds everything it held when
// the page came (the writer may have appended a line into its last page).
func intact(t *testing.T, h host) bool {
	b, err := os.ReadFile(h.logFile)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.HasPrefix(b, h.original)
}

// writeInventory names the sshd "app-01", reached as root with strict
// host-key checking.
func writeInventory(t *testing.T, srv *sshtest.Server) string {
	inv := filepath.Join(t.TempDir(), "inventory.mend.hcl")
	write(t, inv, fmt.Appendf(nil, "defaults {\n  user        = %q\n  known_hosts = %q\n}\n\nhost \"app-01\" {\n  address       = %q\n  port          = %d\n  identity_file = %q\n}\n",
		srv.User, srv.KnownHostsFile, srv.Hostname, srv.Port, srv.IdentityFile))
	return inv
}

func buildMend(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "mend")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mend")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// mend runs the binary with NO_COLOR and returns stdout, stderr and the
// exit code.
func mend(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return stdout.String(), stderr.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("mend %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), 0
}
