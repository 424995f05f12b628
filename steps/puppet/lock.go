package puppet

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mend-sh/mend/steps"
)

// DefaultLockfile is puppet's agent_disabled_lockfile on the layout of the
// incident's hosts (statedir /var/lib/puppet/state). Other layouts differ:
// Debian 12's packaged Puppet 7 uses /var/cache/puppet/state/, Puppet's
// own packages /opt/puppetlabs/puppet/cache/state/. `puppet config print
// agent_disabled_lockfile` on the host tells.
const DefaultLockfile = "/var/lib/puppet/state/agent_disabled.lock"

// lockState is what the agent_disabled_lockfile says.
type lockState struct {
	disabled bool   // the lock file exists
	reason   string // its disabled_message; "" when absent or unreadable
}

func (l lockState) String() string {
	if !l.disabled {
		return "enabled"
	}
	return fmt.Sprintf("disabled (reason %q)", l.reason)
}

// lockMessage is the JSON puppet itself writes for `--disable "reason"`.
type lockMessage struct {
	DisabledMessage string `json:"disabled_message"`
}

// readLock reads the lock file. Puppet treats an existing lock file as
// disabled whatever it holds, so a file that is not puppet's JSON is
// still disabled, with an empty reason.
func readLock(ctx context.Context, h steps.Host, path string) (lockState, error) {
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return lockState{}, fmt.Errorf("puppet: read lockfile %s: %w", path, err)
	}
	if !f.Exists {
		return lockState{}, nil
	}
	var m lockMessage
	_ = json.Unmarshal(f.Content, &m)
	return lockState{disabled: true, reason: m.DisabledMessage}, nil
}

// lockContent is the lock file puppet would write for reason.
func lockContent(reason string) []byte {
	b, _ := json.Marshal(lockMessage{DisabledMessage: reason})
	return b
}
