package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlantedSymlinks plants links to a victim file where an attacker who
// can write the log's directory would: the old fixed temporary name of the
// head, the log itself and the head file. mend must never write (or quote)
// the victim.
func TestPlantedSymlinks(t *testing.T) {
	const secret = "root:$6$secret-hash:19000:0:99999:7:::\n"
	for _, tc := range []struct {
		name    string
		plant   func(log string) string // returns the link's path
		wantErr string                  // "" when appending must still work
	}{
		{"old temporary head name", func(p string) string { return headPath(p) + ".tmp" }, ""},
		{"the log itself", func(p string) string { os.Remove(p); return p }, "the log is a symbolic link"},
		{"the head file", func(p string) string { os.Remove(headPath(p)); return headPath(p) }, "is a symbolic link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			write(victim, []byte(secret))
			l := openTest(t)
			appendAll(t, l, sixRecords()[:2])
			l.Close()
			if err := os.Symlink(victim, tc.plant(l.Path())); err != nil {
				t.Fatal(err)
			}
			l2, err := Open(l.Path())
			if err == nil {
				_, err = l2.Append(sixRecords()[2])
				l2.Close()
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Open/Append = %v, want success", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Open/Append = %v, want an error containing %q", err, tc.wantErr)
			case err != nil && strings.Contains(err.Error(), "secret-hash"):
				t.Errorf("error quotes the victim file: %v", err)
			}
			if b, _ := os.ReadFile(victim); string(b) != secret {
				t.Errorf("victim file changed to %q", b)
			}
		})
	}
}

func TestOpenChecksDirectoryMode(t *testing.T) {
	for _, tc := range []struct {
		mode    os.FileMode
		wantErr bool
	}{
		{0o700, false},
		{0o755, false},
		{0o775, true},
		{0o777, true},
		{0o777 | os.ModeSticky, false},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "logs")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			l, err := Open(filepath.Join(dir, "audit.jsonl"))
			if err == nil {
				l.Close()
			}
			if tc.wantErr != (err != nil) || (err != nil && !strings.Contains(err.Error(), "other users can replace files in it")) {
				t.Errorf("Open in a %v directory = %v, want error: %v", tc.mode, err, tc.wantErr)
			}
			if _, err := Repair(filepath.Join(dir, "audit.jsonl")); tc.wantErr != (err != nil) {
				t.Errorf("Repair in a %v directory = %v, want error: %v", tc.mode, err, tc.wantErr)
			}
		})
	}
}
