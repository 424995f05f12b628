package truncate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/disktest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestTruncateOverSSH empties a log held open by a writer on a full
// tmpfs through a real sshd: plan changes nothing and says who holds it;
// apply keeps the tail (on a disk with no byte free), empties the file in
// place (the writer still holds the same, now empty, file), and the
// space comes back; the next plan is a no-op.
func TestTruncateOverSSH(t *testing.T) {
	mnt := disktest.TmpFS(t, 2<<20)
	dir := filepath.Join(mnt, "app")
	os.Mkdir(dir, 0o755)
	log := filepath.Join(dir, "app.log")
	content := bytes.Repeat([]byte("0123456789abcdef"), (1<<20)/16)
	copy(content[len(content)-5:], "TAIL\n")
	if err := os.WriteFile(log, content, 0o644); err != nil {
		t.Fatal(err)
	}
	pid := disktest.Writer(t, "mendwriter", disktest.Files{Append: []string{log}})
	disktest.Fill(t, filepath.Join(mnt, "fill"))
	if free := disktest.FreeBytes(t, mnt); free != 0 {
		t.Fatalf("free = %d, want a full filesystem", free)
	}
	h := sshtest.Start(t).Host(t)
	ctx := context.Background()
	cfg := &Config{Path: log, AllowedPrefixes: []string{dir}, KeepTailBytes: 4096}

	before, _ := os.Stat(log)
	plan, err := Type{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	wantPreview := steps.Preview{
		Summary: fmt.Sprintf("empty %s in place (1.0 MiB now, held open by mendwriter pid %d)", log, pid),
		Command: "truncate -s 0 -- " + log,
		Changes: []string{"size 1048576 -> 0 bytes", "keep its last 4.0 KiB in " + log + ".mend-tail (read before, written after emptying)"},
	}
	if d := cmp.Diff(wantPreview, plan.Preview); d != "" || plan.Action != steps.Change {
		t.Errorf("Plan %v (-want +got):\n%s", plan.Action, d)
	}
	after, _ := os.Stat(log)
	if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("plan changed the file: %v %v -> %v %v", before.Size(), before.ModTime(), after.Size(), after.ModTime())
	}

	resp, err := Type{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil || !resp.Changed {
		t.Fatalf("Apply: changed %v, %v", resp.Changed, err)
	}
	tail, err := os.ReadFile(log + TailSuffix)
	if err != nil || !bytes.Equal(tail, content[len(content)-4096:]) {
		t.Errorf("kept tail: %d bytes (%v), want the last 4096", len(tail), err)
	}
	if st, _ := os.Stat(log); st.Size() != 0 {
		t.Errorf("size after = %d, want 0", st.Size())
	}
	if !disktest.Holds(pid, log) {
		t.Errorf("the writer no longer holds %s: it must be emptied in place, not replaced", log)
	}
	if free := disktest.FreeBytes(t, mnt); free < 1000<<10 {
		t.Errorf("free after = %d, want about 1 MiB back", free)
	}
	if !strings.HasPrefix(resp.Summary, "emptied "+log+" (1.0 MiB -> 0 B); kept its last 4.0 KiB") {
		t.Errorf("Summary = %q", resp.Summary)
	}
	again, err := Type{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err != nil || again.Action != steps.NoOp {
		t.Errorf("second plan = %v %q, %v; want a no-op", again.Action, again.Preview.Summary, err)
	}
}

// TestTruncateRefuses: a link out of the allowed directory, a directory,
// and a file replaced since it was checked are refused, untouched.
func TestTruncateRefuses(t *testing.T) {
	dir := t.TempDir()
	allowed := filepath.Join(dir, "logs")
	os.Mkdir(allowed, 0o755)
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("keep me"), 0o600)
	os.Symlink(secret, filepath.Join(allowed, "link.log"))
	os.Mkdir(filepath.Join(allowed, "dir.log"), 0o755)
	h := sshtest.Start(t).Host(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, want string }{
		{"link.log", "resolves to " + secret + ", outside allowed_prefixes"},
		{"dir.log", "is a directory, not a regular file; refusing"},
		{"missing.log", "does not exist"},
	} {
		cfg := &Config{Path: filepath.Join(allowed, tc.name), AllowedPrefixes: []string{allowed}}
		_, err := Type{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Apply error %v, want %q", tc.name, err, tc.want)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "keep me" {
		t.Errorf("the file behind the link was changed: %q", b)
	}

	// The file is rotated (renamed, a new one created) between the check
	// and the truncation.
	log := filepath.Join(allowed, "app.log")
	os.WriteFile(log, []byte("old"), 0o644)
	tg, err := inspect(ctx, h, &Config{Path: log, AllowedPrefixes: []string{allowed}})
	if err != nil {
		t.Fatal(err)
	}
	os.Rename(log, log+".1")
	os.WriteFile(log, []byte("new content"), 0o644)
	if _, err := truncate(ctx, h, tg); err == nil || !strings.Contains(err.Error(), "the file changed since it was checked") {
		t.Errorf("truncate of a replaced file: %v", err)
	}
	if b, _ := os.ReadFile(log); string(b) != "new content" {
		t.Errorf("the new file was changed: %q", b)
	}
	if b, _ := os.ReadFile(log + ".1"); string(b) != "old" {
		t.Errorf("the rotated file was changed: %q", b)
	}
	if _, err := os.Stat(log + TailSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a tail was written: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Path: "/var/log/a.log", AllowedPrefixes: []string{"/var/log"}}, ""},
		{Config{Path: "/etc/passwd", AllowedPrefixes: []string{"/var/log"}}, `file_truncate: /etc/passwd is not under allowed_prefixes ["/var/log"]`},
		{Config{Path: "/var/log", AllowedPrefixes: []string{"/var/log"}}, `file_truncate: /var/log is not under allowed_prefixes ["/var/log"]`},
		{Config{Path: "/var/log/a", AllowedPrefixes: []string{"/"}}, `file_truncate: allowed_prefixes: "/" must be an absolute, clean directory other than /`},
		{Config{Path: "/var/log/a"}, "file_truncate: allowed_prefixes must name at least one directory the file may be in"},
		{Config{Path: "var/log/a", AllowedPrefixes: []string{"/var"}}, `file_truncate: path must be an absolute, clean path, got "var/log/a"`},
		{Config{Path: "/var/log/a", AllowedPrefixes: []string{"/var/log"}, KeepTailBytes: 5 << 20}, "file_truncate: keep_tail_bytes must be from 0 to 4194304, got 5242880"},
	} {
		err := Type{}.ValidateConfig(&tc.cfg)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("ValidateConfig(%+v) = %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
