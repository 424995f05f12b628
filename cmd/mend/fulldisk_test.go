package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFullDiskUnderAuditLog puts the audit log on a real, full 64 KiB
// tmpfs: mend must refuse to run anything and say why, and the file the
// repair would write must not exist.
func TestFullDiskUnderAuditLog(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs as root; this test mounts a tmpfs")
		}
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	mnt := filepath.Join(dir, "full")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	// Fill it: dd stops with ENOSPC, which is the point.
	_ = exec.Command("dd", "if=/dev/zero", "of="+filepath.Join(mnt, "fill"), "bs=4k").Run()

	target := filepath.Join(dir, "target.conf")
	inv := filepath.Join(dir, "inventory.mend.hcl")
	rb := filepath.Join(dir, "rb.mend.hcl")
	os.WriteFile(inv, []byte("host \"box\" {\n  address = \"local\"\n}\n"), 0o644)
	os.WriteFile(rb, []byte(`
repair "file" "install" {
  on      = ["box"]
  path    = "`+target+`"
  content = "x\n"
}
`), 0o644)
	var stdout, stderr bytes.Buffer
	code := Main([]string{"apply", "-i", inv, "--audit-log", filepath.Join(mnt, "audit.jsonl"), rb}, strings.NewReader(""), &stdout, &stderr)
	if code == 0 {
		t.Fatalf("apply with a full audit disk exited 0\n%s%s", stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "no space left on device") {
		t.Errorf("stderr does not name the cause:\n%s", stderr.String())
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("the repair ran although its intent could not be recorded")
	}
}
