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
