package audit

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultPath is where mend keeps its audit log when none is given:
// $XDG_STATE_HOME/mend/audit.jsonl, or ~/.local/state/mend/audit.jsonl when
// XDG_STATE_HOME is unset or not absolute (the XDG Base Directory spec says
// to ignore a relative value). The home directory is that of the user mend
// runs as, so `sudo mend` logs under root's home; the record's operator
// field says who ran it. It fails only when no home directory is known.
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "mend", "audit.jsonl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("audit log: no default path: %w", err)
	}
	return filepath.Join(home, ".local", "state", "mend", "audit.jsonl"), nil
}

// checkDir refuses a log directory that other users could write to and
// rename or delete in: one that is group- or world-writable without the
// sticky bit. There another user could swap the log or the head file for a
// link to a file mend (often root) must not touch. A sticky directory such
// as /tmp is allowed: others can add names there but not replace ours, and
// mend neither follows a link at the log's or the head's name nor opens a
// temporary file by a name someone could guess.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if m := fi.Mode(); m&0o022 != 0 && m&os.ModeSticky == 0 {
		return fmt.Errorf("directory %s has mode %#o: other users can replace files in it; make it writable by its owner only (chmod go-w) or keep the log elsewhere", dir, m.Perm())
	}
	return nil
}
