package views

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

// bigRun is a plan whose repair previews hold a diff of lines lines on each
// of hosts hosts.
func bigRun(hosts, lines int) *engine.Run {
	sr := &engine.StepRun{Address: "repair.file.install", Phase: steps.Repair, Type: "file", Name: "install", Status: engine.StatusChange}
	for h := 0; h < hosts; h++ {
		var d strings.Builder
		d.WriteString("--- a/etc/app.conf\n+++ b/etc/app.conf\n")
		for i := 0; i < lines; i++ {
			fmt.Fprintf(&d, "-old line %d of host %d ééé\n+new line %d of host %d ééé\n", i, h, i, h)
		}
		sr.Hosts = append(sr.Hosts, &engine.HostRun{Host: fmt.Sprintf("web-%d", h), Status: engine.StatusChange,
			Summary: "update /etc/app.conf", Preview: &steps.Preview{Summary: "update /etc/app.conf", Diff: d.String()}})
	}
	return &engine.Run{Mode: engine.ModePlan, RunID: "r", Runbook: "rb.mend.hcl", Steps: []*engine.StepRun{sr}}
}

func markdownOf(r *engine.Run) string {
	var b bytes.Buffer
	Markdown{W: &b}.Run(r)
	return b.String()
}

// TestFoldMarkdownFitsAComment: a plan whose previews run to ~400,000
// characters is folded under GitHub's 65,536-character limit, keeps every
// host and the head of each diff, balances its fences and <details>, and
// says what it cut.
func TestFoldMarkdownFitsAComment(t *testing.T) {
	md := markdownOf(bigRun(40, 200))
	if utf8.RuneCountInString(md) < 4*CommentLimit {
		t.Fatalf("test plan too small: %d characters", utf8.RuneCountInString(md))
	}
	out := FoldMarkdown(md, CommentLimit)
	if n := utf8.RuneCountInString(out); n > CommentLimit {
		t.Fatalf("folded to %d characters, over %d", n, CommentLimit)
	}
	for h := 0; h < 40; h++ {
		if !strings.Contains(out, fmt.Sprintf("**web-%d**", h)) || !strings.Contains(out, fmt.Sprintf("+new line 0 of host %d", h)) {
			t.Errorf("host web-%d or the head of its diff is gone", h)
		}
	}
	if !strings.Contains(out, "[... 382 more lines folded ...]") || !strings.Contains(out, "Folded to fit a pull-request comment (65536 characters):** 37 previews cut to their first 20 lines") {
		t.Errorf("no fold notes:\n%s", out[len(out)-600:])
	}
	checkBalanced(t, out)
	if small := markdownOf(bigRun(1, 3)); FoldMarkdown(small, CommentLimit) != small {
		t.Error("a plan that fits was changed")
	}
}

// TestFoldMarkdownCutsWhenFoldingIsNotEnough: so many hosts that even
// folded previews do not fit: the text is cut outside any code block, the
// open <details> closed.
func TestFoldMarkdownCutsWhenFoldingIsNotEnough(t *testing.T) {
	out := FoldMarkdown(markdownOf(bigRun(400, 40)), CommentLimit)
	if n := utf8.RuneCountInString(out); n > CommentLimit {
		t.Fatalf("%d characters, over %d", n, CommentLimit)
	}
	if !strings.Contains(out, "The rest of the plan was cut to fit a pull-request comment") {
		t.Error("no cut note")
	}
	checkBalanced(t, out)
}

func checkBalanced(t *testing.T, s string) {
	t.Helper()
	if o, c := strings.Count(s, "<details>"), strings.Count(s, "</details>"); o != c {
		t.Errorf("%d <details>, %d </details>", o, c)
	}
	fences := 0
	for _, l := range strings.Split(s, "\n") {
		if fenceOpen.MatchString(l) {
			fences++
		}
	}
	if fences%2 != 0 {
		t.Errorf("%d fence lines: a code block is left open", fences)
	}
}
