package audit

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVerifyFindsTampering damages a six-record log in each way and checks
// that Verify names the first record that can no longer be trusted.
func TestVerifyFindsTampering(t *testing.T) {
	type damage func(lines [][]byte) [][]byte
	for _, tc := range []struct {
		name      string
		lines     damage // applied to the lines; nil keeps them
		raw       func(b []byte) []byte
		head      func(path string)
		wantSeq   uint64
		wantLine  int
		wantWords string
	}{
		{name: "edit one byte of record 3", lines: edit(2, `"host":"web1"`, `"host":"web7"`),
			wantSeq: 3, wantLine: 3, wantWords: "record 3 was changed: its sha256 is no longer the prev stored in record 4 (record 5 still links to record 4"},
		{name: "edit record 5, the one before the last", lines: edit(4, `"outcome":"changed"`, `"outcome":"no_op"`),
			wantSeq: 5, wantLine: 5, wantWords: "record 5 was changed: its sha256 is no longer the prev stored in record 6 (the head file still links"},
		{name: "break record 3's JSON", lines: edit(2, `{"seq"`, `["seq"`),
			wantSeq: 3, wantLine: 3, wantWords: "line 3 is not a valid audit record"},
		{name: "alter record 3's seq", lines: edit(2, `"seq":3`, `"seq":8`),
			wantSeq: 3, wantLine: 3, wantWords: "record 3's seq was altered to 8"},
		{name: "lower record 6's seq to 3", lines: edit(5, `"seq":6`, `"seq":3`),
			wantSeq: 6, wantLine: 6, wantWords: "record 6's seq was altered to 3"},
		{name: "alter record 4's prev", lines: edit(3, `"prev":"`, `"prev":"0`),
			wantSeq: 4, wantLine: 4, wantWords: "record 4 was changed: record 5 does not link to it, and its prev is not the sha256 of line 3 (its prev was altered, or record 3 was changed too)"},
		{name: "alter the last record's prev", lines: edit(5, `"prev":"`, `"prev":"0`),
			wantSeq: 6, wantLine: 6, wantWords: "record 6 was changed: the head file does not link to it, and its prev is not the sha256 of line 5"},
		{name: "edit records 3 and 4", lines: func(l [][]byte) [][]byte {
			return edit(3, `"prev":"`, `"prev":"0`)(edit(2, `"host":"web1"`, `"host":"web7"`)(l))
		}, wantSeq: 4, wantLine: 4, wantWords: "record 4 was changed: record 5 does not link to it, and its prev is not the sha256 of line 3 (its prev was altered, or record 3 was changed too)"},
		{name: "edit the last record", lines: edit(5, `"outcome":"changed"`, `"outcome":"no_op"`),
			wantSeq: 6, wantLine: 6, wantWords: "record 6 does not match the head file"},
		{name: "delete record 3", lines: func(l [][]byte) [][]byte { return cut(l, 2, 3) },
			wantSeq: 3, wantLine: 3, wantWords: "record 3 is missing: line 3 holds record 4"},
		{name: "delete records 3 and 4", lines: func(l [][]byte) [][]byte { return cut(l, 2, 4) },
			wantSeq: 3, wantLine: 3, wantWords: "records 3 to 4 are missing"},
		{name: "delete the first line", lines: func(l [][]byte) [][]byte { return cut(l, 0, 1) },
			wantSeq: 1, wantLine: 1, wantWords: "record 1 is missing"},
		{name: "delete the last line", lines: func(l [][]byte) [][]byte { return cut(l, 5, 6) },
			wantSeq: 6, wantLine: 6, wantWords: "record 6 is missing: the head file says the log ends at record 6, but it ends at record 5"},
		{name: "delete the last two lines", lines: func(l [][]byte) [][]byte { return cut(l, 4, 6) },
			wantSeq: 5, wantLine: 5, wantWords: "records 5 to 6 are missing"},
		{name: "empty the log", lines: func(l [][]byte) [][]byte { return nil },
			wantSeq: 1, wantLine: 1, wantWords: "records 1 to 6 are missing"},
		{name: "swap records 3 and 4", lines: func(l [][]byte) [][]byte { l[2], l[3] = l[3], l[2]; return l },
			wantSeq: 3, wantLine: 3, wantWords: "out of order: line 3 holds record 4, and record 3 is on line 4"},
		{name: "swap records 2 and 5", lines: func(l [][]byte) [][]byte { l[1], l[4] = l[4], l[1]; return l },
			wantSeq: 2, wantLine: 2, wantWords: "out of order: line 2 holds record 5, and record 2 is on line 5"},
		{name: "duplicate record 3", lines: func(l [][]byte) [][]byte { return append(l[:3:3], l[2:]...) },
			wantSeq: 4, wantLine: 4, wantWords: "line 4 holds record 3 a second time"},
		{name: "truncate in the middle of record 4", raw: func(b []byte) []byte { return b[:bytes.Index(b, []byte(`{"seq":4`))+20] },
			wantSeq: 4, wantLine: 4, wantWords: "record 4 is torn"},
		{name: "drop the final newline", raw: func(b []byte) []byte { return b[:len(b)-1] },
			wantSeq: 6, wantLine: 6, wantWords: "record 6 is torn"},
		{name: "blank line inserted", lines: func(l [][]byte) [][]byte { return append(l[:2:2], append([][]byte{nil}, l[2:]...)...) },
			wantSeq: 3, wantLine: 3, wantWords: "line 3 is not a valid audit record"},
		{name: "delete the head file", head: func(p string) { os.Remove(headPath(p)) },
			wantSeq: 6, wantLine: 6, wantWords: "the head file is missing"},
		{name: "head one behind with a wrong hash", head: func(p string) {
			write(headPath(p), []byte(`{"seq":5,"sha256":"`+strings.Repeat("0", 64)+`"}`))
		}, wantSeq: 6, wantLine: 6, wantWords: "the head file says the log ends at record 5, but it ends at record 6"},
		{name: "corrupt the head file", head: func(p string) { write(headPath(p), []byte("{")) },
			wantSeq: 6, wantLine: 6, wantWords: "audit head file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			appendAll(t, l, sixRecords())
			l.Close()
			b, _ := os.ReadFile(l.Path())
			if tc.lines != nil {
				lines := tc.lines(readLines(t, l.Path()))
				b = nil
				for _, line := range lines {
					b = append(append(b, line...), '\n')
				}
			}
			if tc.raw != nil {
				b = tc.raw(b)
			}
			write(l.Path(), b)
			if tc.head != nil {
				tc.head(l.Path())
			}
			_, err := Verify(l.Path())
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %v, want a *VerifyError", err)
			}
			got := struct {
				Seq  uint64
				Line int
			}{ve.Seq, ve.Line}
			want := struct {
				Seq  uint64
				Line int
			}{tc.wantSeq, tc.wantLine}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("VerifyError position (-want +got):\n%s\nreason: %s", diff, ve.Reason)
			}
			if !strings.Contains(ve.Reason, tc.wantWords) {
				t.Errorf("reason = %q, want it to contain %q", ve.Reason, tc.wantWords)
			}
			if !strings.HasPrefix(err.Error(), l.Path()+":") {
				t.Errorf("error %q does not start with the log's path", err)
			}
		})
	}
}

func TestVerifyEmptyAndMissing(t *testing.T) {
	l := openTest(t)
	if rep, err := Verify(l.Path()); err != nil || rep.Records != 0 {
		t.Errorf("Verify of a new, empty log = %+v, %v", rep, err)
	}
	if _, err := Verify(l.Path() + ".nope"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Verify of a missing log = %v, want ErrNotExist", err)
	}
}

func TestVerifyWarnsAboutWritableLog(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:1])
	if err := os.Chmod(l.Path(), 0o666); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(l.Path())
	if err != nil || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "0666 lets others write") {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

// edit replaces the first occurrence of old in line i.
func edit(i int, old, new string) func([][]byte) [][]byte {
	return func(lines [][]byte) [][]byte {
		if !bytes.Contains(lines[i], []byte(old)) {
			panic("edit: " + old + " not in line")
		}
		lines[i] = bytes.Replace(lines[i], []byte(old), []byte(new), 1)
		return lines
	}
}

// cut removes lines [from, to).
func cut(lines [][]byte, from, to int) [][]byte {
	return append(lines[:from:from], lines[to:]...)
}
