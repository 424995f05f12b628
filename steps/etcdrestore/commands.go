package etcdrestore

import (
	"fmt"

	"github.com/mend-sh/mend/internal/shell"
)

// The commands apply runs on a member's host, as the plan shows them.

// moveCommand moves the data dir aside; it refuses to replace anything.
func (st *memberState) moveCommand(token string) string {
	d, a := shell.Quote(st.DataDir), shell.Quote(st.aside(token))
	return fmt.Sprintf("test ! -e %s && test ! -L %s && mv %s %s", a, a, d, a)
}

// restoreCommand restores the staged snapshot into the (now absent) data
// dir with this member's identity and the new cluster's.
func (st *memberState) restoreCommand(s settings, token string) string {
	return fmt.Sprintf("%s snapshot restore %s --name %s --data-dir %s --initial-cluster %s --initial-cluster-token %s --initial-advertise-peer-urls %s",
		st.tool.prefix(), shell.Quote(st.staged(token)), shell.Quote(st.Name), shell.Quote(st.DataDir),
		shell.Quote(s.initialCluster()), shell.Quote(token), shell.Quote(st.PeerURL))
}

// ownCommand gives the restored dir its owner and mode 0700 (etcd warns
// about anything wider).
func (st *memberState) ownCommand(owner string) string {
	d := shell.Quote(st.DataDir)
	return fmt.Sprintf("chown -R %s %s && chmod 700 %s", shell.Quote(owner), d, d)
}

// owner is the owner the restored dir gets: the argument, else the old
// data dir's (or its parent's when there was none).
func (st *memberState) ownerFor(cfg *Config) (numeric, shown string) {
	if cfg.Owner != "" {
		return cfg.Owner, cfg.Owner
	}
	shown = st.ownerName
	if shown == "" {
		shown = st.owner
	}
	return st.owner, shown
}

// stageCommand writes stdin to the staged path through a temporary file,
// refusing to replace an existing one, and prints its sha256.
func (st *memberState) stageCommand(token string) string {
	s := shell.Quote(st.staged(token))
	tmp := shell.Quote(st.staged(token) + ".part")
	return fmt.Sprintf("set -e; umask 077; test ! -e %s; cat > %s; mv %s %s; sha256sum < %s", s, tmp, tmp, s, s)
}
