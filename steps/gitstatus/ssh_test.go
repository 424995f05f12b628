package gitstatus_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/gitstatus"
	"github.com/zclconf/go-cty/cty"
)

// git runs git in dir with a fixed identity, failing the test on error.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Alice Ops", "-c", "user.email=alice@example.com", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// repos makes a bare "origin", a checkout "work" tracking origin/main,
// and a second checkout that pushed one more commit to origin after
// work last fetched. work has one local commit, a staged new file, an
// unstaged change and an untracked file with a space in its name.
func repos(t *testing.T) (root, work string) {
	t.Helper()
	root = t.TempDir()
	git(t, root, "init", "-q", "--bare", "origin.git")
	git(t, root, "clone", "-q", "origin.git", "work")
	work = filepath.Join(root, "work")
	write(t, filepath.Join(work, "a.txt"), "one\n")
	git(t, work, "add", "a.txt")
	git(t, work, "commit", "-q", "-m", "first")
	git(t, work, "push", "-q", "-u", "origin", "main")
	git(t, root, "clone", "-q", "origin.git", "other")
	write(t, filepath.Join(root, "other", "b.txt"), "b\n")
	git(t, filepath.Join(root, "other"), "add", "b.txt")
	git(t, filepath.Join(root, "other"), "commit", "-q", "-m", "from elsewhere")
	git(t, filepath.Join(root, "other"), "push", "-q")
	write(t, filepath.Join(work, "c.txt"), "c\n")
	git(t, work, "add", "c.txt")
	git(t, work, "commit", "-q", "-m", "hotfix: raise the limit")
	write(t, filepath.Join(work, "a.txt"), "two\n")
	write(t, filepath.Join(work, "d.txt"), "d\n")
	git(t, work, "add", "d.txt")
	write(t, filepath.Join(work, "e f.txt"), "e\n")
	return root, work
}

func diagnose(t *testing.T, h steps.Host, cfg gitstatus.Config) (steps.DiagnoseResponse, error) {
	t.Helper()
	if err := (gitstatus.Type{}).ValidateConfig(&cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return gitstatus.Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &cfg, Host: h})
}

// TestGitStatusOverSSH reads a real checkout through a real sshd: HEAD,
// branch, upstream, the dirty entries, ahead/behind before and after a
// fetch, and the last commit; and with max_files the listing is cut but
// the counts are not.
func TestGitStatusOverSSH(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	_, work := repos(t)
	head := git(t, work, "rev-parse", "HEAD")

	resp, err := diagnose(t, h, gitstatus.Config{Path: filepath.Join(work)})
	if err != nil {
		t.Fatal(err)
	}
	if errs := resp.Output.Type().TestConformance(gitstatus.Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	want := map[string]string{"top": work, "head": head, "branch": "main", "detached": "false", "upstream": "origin/main",
		"remote_ref": "origin/main", "fetched": "false", "ahead": "1", "behind": "0", "dirty": "true", "staged": "1",
		"unstaged": "1", "untracked": "1", "conflicted": "0", "files_complete": "true",
		"last_commit_author": "Alice Ops <alice@example.com>", "last_commit_subject": "hotfix: raise the limit",
		"files": " M a.txt|A  d.txt|?? e f.txt"}
	if d := cmp.Diff(want, attrs(resp.Output, want)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if ct := resp.Output.GetAttr("last_commit_time").AsString(); ct != git(t, work, "log", "-1", "--date=format-local:%Y-%m-%dT%H:%M:%SZ", "--format=%cd") {
		t.Errorf("last_commit_time = %s", ct)
	}
	wantSummary := work + " on main at " + head[:12] + ", dirty (1 staged, 1 unstaged, 1 untracked, 0 conflicted), 1 ahead and 0 behind origin/main (as last fetched)"
	if resp.Summary != wantSummary {
		t.Errorf("Summary:\n got %s\nwant %s", resp.Summary, wantSummary)
	}

	fetched, err := diagnose(t, h, gitstatus.Config{Path: filepath.Join(work, "."), RemoteRef: "origin/main", Fetch: true, MaxFiles: 2})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"fetched": "true", "ahead": "1", "behind": "1", "untracked": "1", "files": " M a.txt|A  d.txt"}
	if d := cmp.Diff(want, attrs(fetched.Output, want)); d != "" {
		t.Errorf("after fetch (-want +got):\n%s", d)
	}
	if !strings.Contains(strings.Join(fetched.Details, "\n"), "1 more entries not listed (max_files = 2)") {
		t.Errorf("details do not say the listing was cut: %q", fetched.Details)
	}
}

// TestGitStatusReadsWithoutWriting: status does not refresh the index
// (GIT_OPTIONAL_LOCKS=0), and a repository whose config names an
// fsmonitor program does not get it run — a plain `git status` does run
// it, which proves the test would catch it.
func TestGitStatusReadsWithoutWriting(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	_, work := repos(t)
	marker := filepath.Join(t.TempDir(), "fsmonitor-ran")
	hook := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(t, work, "config", "core.fsmonitor", hook)
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(work, "c.txt"), future, future); err != nil {
		t.Fatal(err) // a stat change status would refresh the index for
	}
	index := filepath.Join(work, ".git", "index")
	before, _ := os.ReadFile(index)
	st, _ := os.Stat(index)

	if _, err := diagnose(t, h, gitstatus.Config{Path: work}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(index)
	st2, _ := os.Stat(index)
	if !bytes.Equal(before, after) || !st.ModTime().Equal(st2.ModTime()) {
		t.Error("git_status rewrote the index")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("git_status ran the repository's fsmonitor program")
	}
	exec.Command("git", "-C", work, "status").Run()
	if _, err := os.Stat(marker); err != nil {
		t.Skip("this git does not run core.fsmonitor hooks, so the check above proves nothing here")
	}
}

// TestGitStatusRefusals: a directory that is no checkout, a repository
// owned by someone else (git's dubious-ownership refusal is reported,
// never overridden), a detached HEAD, and a ref that does not exist.
func TestGitStatusRefusals(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	root, work := repos(t)
	if _, err := diagnose(t, h, gitstatus.Config{Path: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "git refuses it: fatal: not a git repository") {
		t.Errorf("not a checkout: %v", err)
	}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(root, "theirs")
		git(t, root, "clone", "-q", "origin.git", "theirs")
		if out, err := exec.Command("chown", "-R", "65534:65534", theirs).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
		if _, err := diagnose(t, h, gitstatus.Config{Path: theirs}); err == nil || !strings.Contains(err.Error(), "dubious ownership") {
			t.Errorf("someone else's repository: %v", err)
		}
	}
	git(t, work, "checkout", "-q", "--detach")
	resp, err := diagnose(t, h, gitstatus.Config{Path: work, RemoteRef: "origin/nope"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"branch": "", "detached": "true", "remote_ref": "origin/nope", "ahead": "-1", "behind": "-1"}
	if d := cmp.Diff(want, attrs(resp.Output, want)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if !strings.Contains(resp.Summary, "on detached HEAD") || !strings.Contains(resp.Summary, "origin/nope not comparable") {
		t.Errorf("Summary = %q", resp.Summary)
	}
}

// attrs renders the attributes of out that want names, lists of files as
// "CODE PATH|CODE PATH".
func attrs(out cty.Value, want map[string]string) map[string]string {
	got := map[string]string{}
	for k := range want {
		v := out.GetAttr(k)
		switch {
		case v.Type() == cty.String:
			got[k] = v.AsString()
		case v.Type() == cty.Bool:
			got[k] = map[bool]string{true: "true", false: "false"}[v.True()]
		case v.Type() == cty.Number:
			got[k] = v.AsBigFloat().Text('f', -1)
		default:
			var fs []string
			for _, f := range v.AsValueSlice() {
				fs = append(fs, f.GetAttr("status").AsString()+" "+f.GetAttr("path").AsString())
			}
			got[k] = strings.Join(fs, "|")
		}
	}
	return got
}
