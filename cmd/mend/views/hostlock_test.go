package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/hostlock"
)

// A holder's fields come from the host: the text and markdown views
// print them with control characters and bidi overrides escaped.
func TestHostLockHolderCleaned(t *testing.T) {
	h := &hostlock.Holder{Owner: hostlock.Owner{RunID: "r\x1b]0;owned\x07", Operator: "\u202eeve", Machine: "m\r\nFAKE"}}
	r := &engine.Run{Mode: engine.ModePlan, HostLocks: []*engine.HostLock{{Host: "web-1", Status: engine.LockHeld, Holder: h}}}
	var text, md bytes.Buffer
	Text{W: &text}.Run(r)
	Markdown{W: &md}.Run(r)
	for _, out := range []string{text.String(), md.String()} {
		if strings.ContainsAny(out, "\x1b\x07\r\u202e") || strings.Contains(out, "\nFAKE") {
			t.Errorf("a holder printed raw:\n%q", out)
		}
		if !strings.Contains(out, `web-1: locked by run r\x1b`) || !strings.Contains(out, `(operator \u202eeve, on m\x0d\x0aFAKE)`) {
			t.Errorf("the holder is not shown, escaped:\n%s", out)
		}
	}
}
