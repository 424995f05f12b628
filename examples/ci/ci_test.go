package ci

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
)

// mendBin is the mend built for these tests by TestMain.
var mendBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mend-ci-test")
	if err != nil {
		panic(err)
	}
	mendBin = filepath.Join(dir, "mend")
	build := exec.Command("go", "build", "-o", mendBin, "github.com/mend-sh/mend/cmd/mend")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building mend:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const motd = `runbook {
  title       = "Message of the day is stale"
  description = "Look, then fix behind a gate."
}

variable "path" {
  type    = string
  default = "/etc/motd"
}

diagnose "file_read" "motd" {
  on   = ["localhost"]
  path = var.path
}

# Write the message when it differs.
repair "file" "write_motd" {
  on      = ["localhost"]
  when    = diagnose.file_read.motd.content != "hello\n"
  path    = var.path
  content = "hello\n"
  mode    = "0644"

  approval {
    reason = "Changes what every user sees at login"
  }
}
`

const restart = `# Restart nginx.
repair "service" "nginx" {
  on     = ["localhost"]
  name   = "nginx"
  action = "restart"
}
`

const inventory = `host "localhost" {
  address = "local"
}
`

// result is what one run of review.sh left.
type result struct {
	code    int
	comment string
	stderr  string
	gh      string // what the fake gh was called with, and the body it got
}

// run makes a git repository whose main branch holds base, then a branch
// with change applied (a nil value deletes the file), and runs review.sh
// there with env added to a clean environment.
func run(t *testing.T, base, change map[string]*string, env ...string) result {
	t.Helper()
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("config", "user.email", "ci@example.invalid")
	git("config", "user.name", "ci")
	apply(t, repo, base)
	git("add", "-A")
	git("commit", "-q", "--allow-empty", "-m", "base")
	git("checkout", "-q", "-b", "pr")
	apply(t, repo, change)
	git("add", "-A")
	git("commit", "-q", "--allow-empty", "-m", "change")

	bin := t.TempDir()
	ghLog := filepath.Join(bin, "gh.log")
	fakeGH := "#!/bin/sh\nprintf '%s\\n' \"$*\" > " + ghLog + "\nwhile [ $# -gt 0 ]; do [ \"$1\" = --body-file ] && cat \"$2\" >> " + ghLog + "; shift; done\n"
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("review.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Dir = repo
	cmd.Env = append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + repo, "LC_ALL=C.UTF-8",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"BASE_REF=main", "MEND=" + mendBin, "COMMENT_FILE=" + filepath.Join(repo, "comment.md")}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var r result
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	r.stderr = stderr.String()
	b, err := os.ReadFile(filepath.Join(repo, "comment.md"))
	if err != nil {
		t.Fatalf("no comment written: %v; stderr:\n%s", err, r.stderr)
	}
	r.comment = string(b)
	if g, err := os.ReadFile(ghLog); err == nil {
		r.gh = string(g)
	}
	return r
}

func apply(t *testing.T, dir string, files map[string]*string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if content == nil {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(*content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func s(v string) *string { return &v }

// check fails the test unless comment holds every want and none of unwanted.
func check(t *testing.T, r result, wantCode int, want, unwanted []string) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, wantCode, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.comment, w) {
			t.Errorf("comment lacks %q", w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(r.comment, u) {
			t.Errorf("comment holds %q", u)
		}
	}
	if t.Failed() {
		t.Logf("comment:\n%s", r.comment)
	}
}

func TestReviewChangedRunbooks(t *testing.T) {
	base := map[string]*string{"runbooks/motd.mend.hcl": s(motd), "runbooks/untouched.mend.hcl": s(restart), "inventory.mend.hcl": s(inventory)}
	changed := strings.Replace(motd, `"hello\n"`, `"hello, world\n"`, 2)
	r := run(t, base, map[string]*string{"runbooks/motd.mend.hcl": s(changed), "runbooks/restart.mend.hcl": s(restart),
		"inventory.mend.hcl": s(inventory + "\n# changed\n")}, "MEND_INVENTORY=inventory.mend.hcl")
	check(t, r, 0, []string{
		"2 runbook(s) changed against `",
		"## <code>runbooks/motd.mend.hcl</code>\n\n- fmt: ok\n- validate: ok\n",
		"### mend show: Message of the day is stale",
		"writes /etc/motd (mode 0644) with 13 B of content given in the runbook",
		"apply stops here until an operator approves",
		"Write the message when it differs.",
		"localhost (local)",
		"## <code>runbooks/restart.mend.hcl</code>",
		"restarts service nginx (systemd)",
	}, []string{"untouched.mend.hcl", "## <code>inventory.mend.hcl"})
	if !strings.Contains(r.stderr, "not posted") || r.gh != "" {
		t.Errorf("without a token the comment must not be posted: stderr %q, gh %q", r.stderr, r.gh)
	}
}

func TestReviewFailsOnBadRunbook(t *testing.T) {
	bad := strings.Replace(restart, `repair "service"`, `repair "servce"`, 1)
	unformatted := strings.Replace(restart, "  name   = \"nginx\"", "name=\"nginx\"", 1)
	r := run(t, map[string]*string{"README.md": s("x\n")}, map[string]*string{
		"bad.mend.hcl": s(bad), "ugly.mend.hcl": s(unformatted), "good.mend.hcl": s(motd)})
	check(t, r, 1, []string{
		"## <code>bad.mend.hcl</code>\n\n- fmt: ok\n- validate: **failed**",
		"Unknown step type",
		`Did you mean "service"?`,
		"## <code>ugly.mend.hcl</code>\n\n- fmt: **not formatted**",
		`+  name   = "nginx"`,
		"## <code>good.mend.hcl</code>\n\n- fmt: ok\n- validate: ok",
		"### mend show: Message of the day is stale",
	}, []string{"### mend show: bad.mend.hcl"})
}

func TestReviewNothingChanged(t *testing.T) {
	r := run(t, map[string]*string{"runbooks/motd.mend.hcl": s(motd)}, map[string]*string{"README.md": s("docs\n")})
	check(t, r, 0, []string{"No runbooks changed."}, []string{"mend show"})
}

// TestReviewDeletedRunbook: a deleted runbook has nothing to review.
func TestReviewDeletedRunbook(t *testing.T) {
	r := run(t, map[string]*string{"a.mend.hcl": s(motd), "b.mend.hcl": s(restart)}, map[string]*string{"a.mend.hcl": nil})
	check(t, r, 0, []string{"No runbooks changed."}, nil)
}

func TestReviewPostsWithToken(t *testing.T) {
	r := run(t, nil, map[string]*string{"r.mend.hcl": s(restart)}, "PR_NUMBER=42", "GH_TOKEN=test-token")
	check(t, r, 0, []string{"restarts service nginx"}, nil)
	want := "pr comment 42 --body-file " + "\n"
	first, body, _ := strings.Cut(r.gh, "\n")
	if !strings.HasPrefix(first, strings.TrimSuffix(want, "\n")) || body != r.comment {
		t.Errorf("gh was called as %q with body %q; want %q... with the comment", first, body, want)
	}
}

// TestReviewEscapesRunbookMarkup: markup in a runbook's text cannot reach
// the comment as markup.
func TestReviewEscapesRunbookMarkup(t *testing.T) {
	hostile := strings.Replace(motd, "Message of the day is stale", `<img src=x onerror=alert(1)> **bold**`, 1)
	r := run(t, nil, map[string]*string{"h.mend.hcl": s(hostile)})
	check(t, r, 0, []string{"&lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\*"}, []string{"<img"})
}

// TestReviewCutsLongComment: a review longer than a comment may be is cut
// and says so.
func TestReviewCutsLongComment(t *testing.T) {
	long := strings.Replace(motd, `description = "Look, then fix behind a gate."`,
		"description = <<-EOT\n"+strings.Repeat("    Many words about this runbook.\n", 3000)+"  EOT", 1)
	r := run(t, nil, map[string]*string{"long.mend.hcl": s(long)})
	check(t, r, 0, []string{"**Cut**: the review was", "a comment holds 65,536"}, nil)
	if n := len([]rune(r.comment)); n > 65536 {
		t.Errorf("comment is %d characters", n)
	}
}

// TestWorkflowRunsScript: the workflow is YAML that runs this script with
// the settings it reads.
func TestWorkflowRunsScript(t *testing.T) {
	b, err := os.ReadFile("mend-review.yml")
	if err != nil {
		t.Fatal(err)
	}
	v, err := yaml.Unmarshal(b, cty.DynamicPseudoType)
	if err != nil {
		t.Fatalf("mend-review.yml: %v", err)
	}
	steps := v.GetAttr("jobs").GetAttr("review").GetAttr("steps")
	last := steps.Index(cty.NumberIntVal(int64(steps.LengthInt() - 1)))
	if got := last.GetAttr("run").AsString(); got != "bash examples/ci/review.sh" {
		t.Errorf("last step runs %q", got)
	}
	env := last.GetAttr("env")
	for _, k := range []string{"BASE_REF", "PR_NUMBER", "GH_TOKEN"} {
		if !env.Type().HasAttribute(k) {
			t.Errorf("the review step does not set %s", k)
		}
	}
}
