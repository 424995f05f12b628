package audit

import (
	"encoding/json"
	"fmt"
	"io"
)

// brokenLink reports record want, on the current line (whose sha256 is
// sha), whose prev is not the sha256 of the line before. Either the line
// before was changed or this one was (its prev altered); what links to
// this line next (the following record, or the head file at the end) tells
// which.
func (v *verifier) brokenLink(want uint64, sha string) error {
	if want == 1 {
		return v.fail(1, "record 1 has a prev, but the first record of a log has none (the lines before it were removed?)")
	}
	links, next := v.nextLinks(want, sha)
	switch links {
	case 1:
		v.line--
		return v.fail(want-1, fmt.Sprintf("record %d was changed: its sha256 is no longer the prev stored in record %d (%s still links to record %d as it is)",
			want-1, want, next, want))
	case -1:
		return v.fail(want, fmt.Sprintf("record %d was changed: %s does not link to it, and its prev is not the sha256 of line %d (its prev was altered, or record %d was changed too)",
			want, next, v.line-1, want-1))
	}
	v.line--
	return v.fail(want-1, fmt.Sprintf("record %d was changed, or record %d's prev was altered (the prev stored in record %d is not the sha256 of line %d)",
		want-1, want, want, v.line))
}

// nextLinks reads one line ahead and says whether what follows record seq
// links to sha, the sha256 of its line: 1 yes, -1 no, 0 cannot tell (the
// next line is not the next record, or the log ends and the head file does
// not name record seq). next names what was compared.
func (v *verifier) nextLinks(seq uint64, sha string) (links int, next string) {
	b, complete, err := readLine(v.r)
	if err == io.EOF {
		h, ok, herr := readHead(v.path)
		if herr != nil || !ok || h.Seq != seq {
			return 0, ""
		}
		return agree(h.SHA256 == sha), "the head file"
	}
	if err != nil || !complete {
		return 0, ""
	}
	var rec struct {
		Seq  uint64 `json:"seq"`
		Prev string `json:"prev"`
	}
	if json.Unmarshal(b, &rec) != nil || rec.Seq != seq+1 {
		return 0, ""
	}
	return agree(rec.Prev == sha), fmt.Sprintf("record %d", seq+1)
}

func agree(ok bool) int {
	if ok {
		return 1
	}
	return -1
}
