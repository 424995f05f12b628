package file

import (
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// preview describes, for a reviewer, the change from cur to d. With
// sensitive (the config derives from a sensitive value) the content is
// shown as digests only.
func preview(cur steps.FileDigest, d desired, x delta, sensitive bool) steps.Preview {
	p := steps.Preview{Changes: x.changes()}
	var ch contentChange
	if x.content {
		ch = diffContent(d.path, cur, d.content, d.sum, sensitive)
		p.Diff = ch.diff
		p.Changes = append(p.Changes, ch.certs...)
	}
	if d.backup && cur.Exists {
		p.Changes = append(p.Changes, fmt.Sprintf("backup of the current content to %s.mend-backup-<unix time>", d.path))
	}
	p.Summary = summary(d.path, x, ch)
	return p
}

// summary is one line: "create /p (+3 lines)", "update /p (+3 -1 lines)",
// "update /p (mode 0600 -> 0644)".
func summary(path string, x delta, ch contentChange) string {
	switch {
	case x.create && ch.binary:
		return "create " + path + " (binary content)"
	case x.create && ch.large:
		return fmt.Sprintf("create %s (%d bytes)", path, ch.newSize)
	case x.content && ch.large:
		return fmt.Sprintf("update %s (%d -> %d bytes)", path, ch.oldSize, ch.newSize)
	case x.create:
		return fmt.Sprintf("create %s (+%d lines)", path, ch.added)
	case x.content && ch.binary:
		return "update " + path + " (binary content)"
	case x.content:
		return fmt.Sprintf("update %s (+%d -%d lines)", path, ch.added, ch.removed)
	}
	return "update " + path + " (" + strings.Join(x.changes(), ", ") + ")"
}

// converged is the summary of a file that needs no change.
func converged(path string) string { return "already converged: " + path }
