package gitstatus

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
)

// change is one entry of git status: its two-letter code ("M ", " M",
// "??", "R ", "UU") and path (for a rename, the new path).
type change struct {
	Code, Path string
}

// state is what the script reported about the checkout.
type state struct {
	top, head, branch, upstream, ref string
	commitTime                       time.Time
	author, subject                  string
	fetched                          bool
	ahead, behind                    int64 // -1: not counted
	refError                         string
	changes                          []change // at most maxFiles
	staged, unstaged, untracked      int
	conflicted                       int
	statusComplete                   bool
}

// parseState reads the script's output: key lines up to "mend-status",
// then the NUL-separated status listing; stderr carries status's exit.
func parseState(stdout, stderr []byte, maxFiles int) state {
	s := state{ahead: -1, behind: -1}
	head, listing, _ := bytes.Cut(stdout, []byte("\nmend-status\n"))
	lines, _ := hostscript.Lines(head, 100)
	for _, line := range lines {
		k, v, _ := strings.Cut(string(line), " ")
		s.set(k, v)
	}
	s.readListing(listing, maxFiles)
	s.statusComplete = len(listing) <= maxStatusBytes && bytes.Contains(stderr, []byte("mend-status-rc 0"))
	return s
}

func (s *state) set(k, v string) {
	text := func() string { return hostscript.Text([]byte(v), 4096) }
	switch k {
	case "mend-top":
		s.top = text()
	case "mend-head":
		s.head = text()
	case "mend-branch":
		s.branch = text()
	case "mend-upstream":
		s.upstream = text()
	case "mend-ref":
		s.ref = text()
	case "mend-fetched":
		s.fetched = true
	case "mend-commit":
		f := strings.SplitN(v, "\t", 3)
		if len(f) == 3 {
			if sec, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				s.commitTime = time.Unix(sec, 0).UTC()
			}
			s.author, s.subject = hostscript.Text([]byte(f[1]), 200), hostscript.Text([]byte(f[2]), 200)
		}
	case "mend-ab":
		f := strings.Fields(v)
		if len(f) == 2 {
			s.ahead, _ = strconv.ParseInt(f[0], 10, 64)
			s.behind, _ = strconv.ParseInt(f[1], 10, 64)
		}
	case "mend-ab-error":
		s.refError = hostscript.Text([]byte(v), 200)
	}
}

// readListing counts git status -z entries ("XY PATH", and for a rename
// or copy a second NUL-terminated field, the old path) and keeps the
// first maxFiles. A final entry cut by the byte limit is dropped.
func (s *state) readListing(b []byte, maxFiles int) {
	fields := bytes.Split(b, []byte{0})
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if i == len(fields)-1 || len(f) < 4 {
			continue // the part after the last NUL, or a cut entry
		}
		code, path := string(f[:2]), hostscript.Text(f[3:], 4096)
		if code[0] == 'R' || code[0] == 'C' {
			i++ // the old path
		}
		s.count(code)
		if len(s.changes) < maxFiles {
			s.changes = append(s.changes, change{Code: code, Path: path})
		}
	}
}

// count files one entry under staged, unstaged, untracked or conflicted.
func (s *state) count(code string) {
	x, y := code[0], code[1]
	switch {
	case code == "??":
		s.untracked++
	case x == 'U' || y == 'U' || code == "AA" || code == "DD":
		s.conflicted++
	default:
		if x != ' ' && x != '!' {
			s.staged++
		}
		if y != ' ' && y != '!' {
			s.unstaged++
		}
	}
}

// dirty is anything changed, staged, conflicted or untracked.
func (s state) dirty() bool { return s.staged+s.unstaged+s.untracked+s.conflicted > 0 }
