package etcdrestore

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// prepared is everything Plan and Apply know before changing anything.
type prepared struct {
	cfg     *Config
	s       settings
	snap    *snapshotFile
	members []*memberState
}

// prepare parses, reads and checks the snapshot and looks at every
// member's host. A refusal is a ClassStep error; nothing is changed.
func prepare(ctx context.Context, config any, h steps.Host, hosts steps.HostResolver) (*prepared, error) {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return nil, err
	}
	if h != nil {
		return nil, steps.Errorf(steps.ClassConfig, "etcd_restore: remove `on`: the step reaches every member's host itself (members[*].host), in order, and must run once")
	}
	if hosts == nil {
		return nil, steps.Errorf(steps.ClassConfig, "etcd_restore: no inventory to find the members' hosts in")
	}
	s, err := cfg.parse()
	if err != nil {
		return nil, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	p := &prepared{cfg: cfg, s: s}
	if p.snap, err = readSnapshot(ctx, hosts, cfg, s.tool); err != nil {
		return nil, err
	}
	for _, m := range s.members {
		st, err := probe(ctx, hosts, m, s, cfg.Token)
		if err != nil {
			return nil, err
		}
		if st.asideExists {
			return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s already exists on %s: a restore with token %q was run or started before; mend never replaces a moved-aside data dir: choose a new token", st.aside(cfg.Token), st.Host, cfg.Token)
		}
		if st.stagedSHA != "" && st.stagedSHA != p.snap.sha256 {
			return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s exists on %s with sha256 %s, not the snapshot's %s: mend does not overwrite it; remove it or choose a new token", st.staged(cfg.Token), st.Host, st.stagedSHA, p.snap.sha256)
		}
		p.members = append(p.members, st)
	}
	return p, nil
}

// Plan shows, per member, exactly what would move where and which
// commands would run, and how the result is verified. It changes nothing.
func (Restore) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	p, err := prepare(ctx, req.Config, req.Host, req.Hosts)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	return steps.PlanResponse{Action: steps.Change, Output: cty.UnknownVal(Restore{}.Output()), Preview: steps.Preview{
		Summary: p.summary(),
		Changes: p.lines(),
	}}, nil
}

func (p *prepared) summary() string {
	return fmt.Sprintf("restore %d members from %s:%s (revision %d, %d keys, sha256 %s) as a new cluster with token %q",
		len(p.members), p.snap.host, p.snap.path, p.snap.revision, p.snap.keys, p.snap.sha256, p.cfg.Token)
}

// lines are the procedure, step by step and member by member, exactly as
// Apply runs it.
func (p *prepared) lines() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	tok := p.cfg.Token
	add("1. copy the snapshot (%d bytes) to every member and check its sha256 there:", len(p.snap.data))
	for _, m := range p.members {
		if m.stagedSHA == p.snap.sha256 {
			add("   %s: %s is already there (sha256 matches)", m.Host, m.staged(tok))
		} else {
			add("   %s: write %s (new file, 0600)", m.Host, m.staged(tok))
		}
	}
	add("2. stop etcd on every member, then check that none answers (within %s):", p.s.stopWait)
	for _, m := range p.members {
		now := "nothing answers now"
		if len(m.answering) > 0 {
			now = "answers now on " + strings.Join(m.answering, ", ")
		}
		add("   %s: %s   (%s)", m.Host, p.cfg.StopCommand, now)
	}
	add("3. per member: move the data dir aside (kept, never deleted), restore, set owner and mode:")
	for _, m := range p.members {
		owner, shown := m.ownerFor(p.cfg)
		if m.dataExists {
			add("   %s: mv %s -> %s (%d KiB)", m.Host, m.DataDir, m.aside(tok), m.dataKiB)
		} else {
			add("   %s: %s does not exist: nothing to move aside", m.Host, m.DataDir)
		}
		add("   %s: %s", m.Host, m.restoreCommand(p.s, tok))
		add("   %s: %s   (owner %s, the old data dir's unless owner is set)", m.Host, m.ownCommand(owner), shown)
	}
	add("4. start etcd on every member:")
	for _, m := range p.members {
		add("   %s: %s", m.Host, p.cfg.StartCommand)
	}
	add("5. verify from %s (up to %s): all %d members healthy through TLS, member list = {%s}, revision >= %d (the snapshot's)",
		p.members[0].Host, p.s.wait, len(p.members), p.names(), p.snap.revision)
	return out
}

func (p *prepared) names() string {
	n := make([]string, len(p.members))
	for i, m := range p.members {
		n[i] = m.Name
	}
	return strings.Join(n, ", ")
}
