package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"go install of a tag", debug.BuildInfo{Main: debug.Module{Version: "v0.3.1"}}, "v0.3.1"},
		{"checkout, clean", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.time", Value: "2026-12-05T09:00:00Z"}, {Key: "vcs.modified", Value: "false"},
		}}, "(devel) rev 0123456789ab 2026-12-05T09:00:00Z"},
		{"checkout, changed", debug.BuildInfo{Main: debug.Module{Version: "v0.3.2-0.20261205090000-0123456789ab"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.modified", Value: "true"},
		}}, "v0.3.2-0.20261205090000-0123456789ab rev 0123456789ab modified"},
		{"no version at all", debug.BuildInfo{}, "(devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(&tt.info); got != tt.want {
				t.Errorf("versionOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVersionOfRealBuild builds the real binary from this source in a
// fresh git repository and checks that `mend version`, `mend --version`
// and `mend -version` all name the commit it was built from. (A fresh
// repository, because the go command cannot stamp a build made in a linked
// git worktree, golang/go#58218, and the source under test is not
// committed yet.)
func TestVersionOfRealBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	files, err := exec.Command("git", "-C", "../..", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "src"), filepath.Join(dir, "mend")
	for _, f := range strings.Split(strings.TrimSuffix(string(files), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join("../..", f))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = src
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("git", "init", "--quiet")
	run("git", "add", ".")
	run("git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", "test")
	head := strings.TrimSpace(run("git", "rev-parse", "HEAD"))
	run("go", "build", "-buildvcs=true", "-o", bin, "./cmd/mend")

	want := "rev " + head[:12]
	for _, arg := range []string{"version", "--version", "-version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("mend %s: %v\n%s", arg, err, out)
		}
		if got := string(out); !strings.HasPrefix(got, "mend ") || !strings.Contains(got, want) {
			t.Errorf("mend %s printed %q, want mend ... %s ...", arg, got, want)
		}
	}
}
