package shell_test

import (
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/shell"
)

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"kube-apiserver":      "kube-apiserver",
		"getty@tty1.service":  "getty@tty1.service",
		"/srv/lab/hosts/A/sv": "/srv/lab/hosts/A/sv",
		"/srv/my services":    "'/srv/my services'",
		"it's":                `'it'\''s'`,
		"":                    "''",
		"$(reboot)":           "'$(reboot)'",
		"a=b":                 "'a=b'",
		"~root":               "'~root'",
		"*":                   "'*'",
		"a;b":                 "'a;b'",
		"ünï":                 "'ünï'",
		"line\nbreak":         "'line\nbreak'",
	}
	for in, want := range tests {
		if got := shell.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestQuoteRoundTripsThroughSh hands quoted words to every POSIX shell on
// the machine and checks each word arrives as exactly one argument with
// its exact bytes, in argument and command-word position.
func TestQuoteRoundTripsThroughSh(t *testing.T) {
	words := []string{
		"", " ", "'", "''", `\`, `"`, "$HOME", "${x:-y}", "$(id)", "`id`", "a b", "\t\n", "*", "?", "[a]",
		"{a,b}", "~", "~root", "a=b", "x=$(touch /tmp/pwned)", "-n", "--", "!", "#", "a#b", ";", "&", "|",
		"<", ">", "\x1b[8m", "é", "\xff\xfe",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(1 + r.IntN(255)) // a shell word cannot hold NUL
		}
		words = append(words, string(b))
	}
	for _, sh := range []string{"sh", "dash", "bash", "busybox"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		t.Run(sh, func(t *testing.T) {
			args := []string{"-c"}
			if sh == "busybox" {
				args = []string{"sh", "-c"}
			}
			var script strings.Builder
			for _, w := range words {
				// printf's format is quoted too: it is a command word's argument.
				script.WriteString("printf '%s\\0' " + shell.Quote(w) + "\n")
			}
			out, err := exec.Command(path, append(args, script.String())...).Output()
			if err != nil {
				t.Fatalf("%s: %v", sh, err)
			}
			got := strings.Split(string(out), "\x00")
			got = got[:len(got)-1]
			if len(got) != len(words) {
				t.Fatalf("%s printed %d words, want %d", sh, len(got), len(words))
			}
			for i, w := range words {
				if got[i] != w {
					t.Errorf("%s: Quote(%q) = %s came back as %q", sh, w, shell.Quote(w), got[i])
				}
			}
		})
	}
}

// TestQuoteIsSafeAsCommandWord runs a quoted NAME=value as the command word:
// it must be looked up as a command, never taken as an assignment.
func TestQuoteIsSafeAsCommandWord(t *testing.T) {
	out, err := exec.Command("sh", "-c", shell.Quote("X=1")+" 2>/dev/null; echo \"status=$? X=$X\"").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "status=127 X=" {
		t.Errorf("quoted X=1 as a command word: %s, want status=127 X= (not found, no assignment)", got)
	}
}
