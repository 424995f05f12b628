package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/hostlock"
)

// hostLocks is the engine's setting for the locks on target hosts: the
// lock directory on the hosts ($MEND_LOCK_DIR, an absolute path, else the
// login user's ${XDG_STATE_HOME:-~/.local/state}/mend/lock) and the name
// of this machine for the owner file.
func hostLocks() (*engine.HostLocks, error) {
	dir := os.Getenv("MEND_LOCK_DIR")
	if dir != "" && (!filepath.IsAbs(dir) || filepath.Clean(dir) == "/") {
		return nil, fmt.Errorf("MEND_LOCK_DIR=%q: the lock directory on the hosts must be an absolute path below /", dir)
	}
	machine, err := os.Hostname()
	if err != nil {
		machine = "(unknown)"
	}
	return &engine.HostLocks{Locker: hostlock.Locker{Dir: dir}, Machine: machine}, nil
}
