package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRepairTornTail leaves half a record at the end, as a SIGKILL
// mid-append would: Open refuses, Repair cuts exactly those bytes and
// notes them, then Verify passes and appending continues the chain.
func TestRepairTornTail(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:5])
	l.Close()
	good, _ := os.ReadFile(l.Path())
	torn := append(bytes.Clone(good), `{"seq":6,"prev":"0123456789abcdef`...) // half a sixth record
	write(l.Path(), torn)
	if _, err := Open(l.Path()); err == nil || !strings.Contains(err.Error(), "mend audit repair "+l.Path()) {
		t.Fatalf("Open of a torn log = %v, want advice to run mend audit repair", err)
	}
	cut := torn[len(good):]
	sum := sha256.Sum256(cut)
	rep, err := Repair(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	want := RepairReport{Offset: int64(len(good)), Cut: len(cut), SHA256: hex.EncodeToString(sum[:])}
	got := rep
	got.Note = Record{}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RepairReport (-want +got):\n%s", diff)
	}
	after, _ := os.ReadFile(l.Path())
	if !bytes.HasPrefix(after, good) {
		t.Fatal("Repair changed the records before the torn line")
	}
	vrep, err := Verify(l.Path())
	if err != nil || vrep.Records != 6 {
		t.Fatalf("Verify after Repair = %+v, %v; want 6 records", vrep, err)
	}
	recs, _ := ReadAll(l.Path())
	note := recs[5]
	if note.Event != EventNote || note.Seq != 6 || note.Detail["cut_sha256"] != want.SHA256 ||
		note.Detail["cut_bytes"] != strconv.Itoa(len(cut)) || !strings.Contains(note.Reason, "torn last line") ||
		note.OutputExcerpt != string(cut) {
		t.Errorf("note = %+v", note)
	}
	if diff := cmp.Diff(note, rep.Note); diff != "" {
		t.Errorf("RepairReport.Note differs from the stored note (-log +report):\n%s", diff)
	}
	l2, err := Open(l.Path())
	if err != nil {
		t.Fatalf("Open after Repair: %v", err)
	}
	defer l2.Close()
	appendAll(t, l2, sixRecords()[5:])
	if _, err := Verify(l.Path()); err != nil {
		t.Errorf("Verify after appending to the repaired log: %v", err)
	}
}

// TestRepairRefuses: Repair never touches a log whose damage is not just
// a torn last line, and leaves a clean log alone.
func TestRepairRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(path string, b []byte) []byte // returns the log to write
		wantErr string                             // "" for a no-op
	}{
		{"clean log", func(p string, b []byte) []byte { return b }, ""},
		{"middle edit and a torn tail", func(p string, b []byte) []byte {
			b = bytes.Replace(b, []byte(`"host":"web1"`), []byte(`"host":"web7"`), 1)
			return append(b, `{"seq":7`...)
		}, "record 2 was changed"},
		{"middle edit, no torn tail", func(p string, b []byte) []byte {
			return bytes.Replace(b, []byte(`"host":"web1"`), []byte(`"host":"web7"`), 1)
		}, ""},
		{"whole last record cut, then torn bytes", func(p string, b []byte) []byte {
			return append(dropLine(b, 5), `{"seq":6`...)
		}, "record 6 is missing"},
		{"head names the torn record", func(p string, b []byte) []byte { return b[:len(b)-1] }, "record 6 is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			appendAll(t, l, sixRecords())
			l.Close()
			b, _ := os.ReadFile(l.Path())
			damaged := tc.damage(l.Path(), b)
			write(l.Path(), damaged)
			headBefore, _ := os.ReadFile(headPath(l.Path()))
			rep, err := Repair(l.Path())
			if tc.wantErr == "" && (err != nil || rep.Cut != 0) {
				t.Errorf("Repair = %+v, %v; want a no-op", rep, err)
			}
			var ve *VerifyError
			if tc.wantErr != "" && (!errors.As(err, &ve) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "not repaired")) {
				t.Errorf("Repair = %v, want a VerifyError containing %q", err, tc.wantErr)
			}
			after, _ := os.ReadFile(l.Path())
			headAfter, _ := os.ReadFile(headPath(l.Path()))
			if !bytes.Equal(after, damaged) || !bytes.Equal(headAfter, headBefore) {
				t.Error("Repair changed a log it did not repair")
			}
		})
	}
}
