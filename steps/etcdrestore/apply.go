package etcdrestore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Apply checks everything again, then runs the procedure the plan shows.
// It stops at the first failure with an error that says which member is
// in which state (what was stopped, moved aside, restored); moved-aside
// data dirs are never touched again.
func (Restore) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	var h steps.Host
	if req.Host != nil {
		h = req.Host
	}
	p, err := prepare(ctx, req.Config, h, req.Hosts)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	r := &run{p: p, tok: p.cfg.Token}
	if err := r.do(ctx); err != nil {
		return steps.ApplyResponse{Details: r.log}, fmt.Errorf("%w\nstate so far:\n  %s", err, strings.Join(r.log, "\n  "))
	}
	return steps.ApplyResponse{Changed: true, Output: r.output(), Details: r.log,
		Summary: fmt.Sprintf("restored %d members from %s (revision %d): healthy, etcd %s, revision %d, token %q; old data dirs kept as *.pre-restore-%s",
			len(p.members), p.snap.path, p.snap.revision, r.version, r.revision, r.tok, r.tok)}, nil
}

// run is one apply: what was done so far, for the result and for errors.
type run struct {
	p        *prepared
	tok      string
	log      []string
	revision int64
	version  string
	cluster  uint64
}

func (r *run) logf(format string, args ...any) { r.log = append(r.log, fmt.Sprintf(format, args...)) }

// exec runs cmd on m's host; a non-zero exit is an error quoting stderr.
func (r *run) exec(ctx context.Context, m *memberState, what, cmd string, stdin []byte) (steps.ExecResult, error) {
	res, err := m.host.Exec(ctx, steps.ExecRequest{Command: cmd, Stdin: stdin})
	if err != nil {
		return res, fmt.Errorf("etcd_restore: %s on %s: %w", what, m.Host, err)
	}
	if res.ExitCode != 0 {
		return res, steps.Errorf(steps.ClassStep, "etcd_restore: %s on %s: exit %d: %s", what, m.Host, res.ExitCode, excerpt(res.Stderr, res.Stdout))
	}
	return res, nil
}

func (r *run) do(ctx context.Context) error {
	p := r.p
	// 1. The same snapshot on every member, before anything stops.
	for _, m := range p.members {
		if m.stagedSHA == p.snap.sha256 {
			r.logf("%s: %s already there, sha256 %s", m.Host, m.staged(r.tok), p.snap.sha256)
			continue
		}
		res, err := r.exec(ctx, m, "copy the snapshot", m.stageCommand(r.tok), p.snap.data)
		if err != nil {
			return err
		}
		if got, _, _ := strings.Cut(strings.TrimSpace(string(res.Stdout)), " "); got != p.snap.sha256 {
			return steps.Errorf(steps.ClassStep, "etcd_restore: the copy %s on %s has sha256 %q, not %s", m.staged(r.tok), m.Host, got, p.snap.sha256)
		}
		r.logf("%s: copied the snapshot to %s, sha256 %s checked there", m.Host, m.staged(r.tok), p.snap.sha256)
	}
	// 2. Stop every member; none may answer before any data dir moves.
	for _, m := range p.members {
		if _, err := r.exec(ctx, m, "stop_command", p.cfg.StopCommand, nil); err != nil {
			return err
		}
		r.logf("%s: ran %s", m.Host, p.cfg.StopCommand)
	}
	for _, m := range p.members {
		if err := waitSilent(ctx, m, p.s.stopWait); err != nil {
			return err
		}
		r.logf("%s: nothing answers on %s", m.Host, strings.Join(m.addrs(), ", "))
	}
	// 3. Move aside, restore, own: one member at a time.
	for _, m := range p.members {
		if m.dataExists {
			if _, err := r.exec(ctx, m, "move the data dir aside", m.moveCommand(r.tok), nil); err != nil {
				return err
			}
			r.logf("%s: moved %s -> %s", m.Host, m.DataDir, m.aside(r.tok))
		}
		if _, err := r.exec(ctx, m, "snapshot restore", m.restoreCommand(p.s, r.tok), nil); err != nil {
			return err
		}
		r.logf("%s: %s", m.Host, m.restoreCommand(p.s, r.tok))
		owner, _ := m.ownerFor(p.cfg)
		if _, err := r.exec(ctx, m, "set owner and mode", m.ownCommand(owner), nil); err != nil {
			return err
		}
		r.logf("%s: %s", m.Host, m.ownCommand(owner))
	}
	// 4. Start every member.
	for _, m := range p.members {
		if _, err := r.exec(ctx, m, "start_command", p.cfg.StartCommand, nil); err != nil {
			return err
		}
		r.logf("%s: ran %s", m.Host, p.cfg.StartCommand)
	}
	// 5. Verify.
	return r.verify(ctx)
}

// waitSilent waits until none of m's addresses accepts a connection.
func waitSilent(ctx context.Context, m *memberState, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		a := answering(ctx, m.host, m.member)
		if len(a) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return steps.Errorf(steps.ClassStep, "etcd_restore: %s still answers on %s %s after stop_command: nothing was moved; check how etcd is supervised there", m.Host, strings.Join(a, ", "), wait)
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// verify waits until, seen from the first member's host, every member
// answers a linearizable read, the member list is exactly the restored
// members (started voters), and the revision is at least the snapshot's.
func (r *run) verify(ctx context.Context) error {
	p := r.p
	first := p.members[0]
	dl, err := etcdconn.Dial(ctx, first.host, p.s.conn.Files, p.s.conn.Timeouts)
	if err != nil {
		return fmt.Errorf("etcd_restore: verify: %w", err)
	}
	deadline := time.Now().Add(p.s.wait)
	for {
		why := r.check(ctx, dl)
		if why == "" {
			r.logf("verified from %s: %d members healthy {%s}, revision %d (snapshot %d), server %s", first.Host, len(p.members), p.names(), r.revision, p.snap.revision, r.version)
			return nil
		}
		if time.Now().After(deadline) {
			return steps.Errorf(steps.ClassStep, "etcd_restore: the restored cluster is not healthy after %s: %s", p.s.wait, why)
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}

// check is one look; "" means verified.
func (r *run) check(ctx context.Context, dl *etcdconn.Dialer) string {
	p := r.p
	sv := dl.Survey(ctx, p.s.conn.Endpoints)
	if !sv.Quorum() {
		return fmt.Sprint(sv.Err)
	}
	for _, x := range sv.Samples {
		if x.Class != etcdconn.ClassHealthy {
			return fmt.Sprintf("%s is %s: %v", x.Endpoint.URL, x.Class, x.Err)
		}
	}
	want := map[string]string{}
	for _, m := range p.members {
		want[m.Name] = m.PeerURL
	}
	ms := sv.Membership.Members
	if len(ms) != len(p.members) {
		return fmt.Sprintf("the member list has %d members, want %d", len(ms), len(p.members))
	}
	for _, m := range ms {
		if m.IsLearner || want[m.Name] == "" || len(m.PeerURLs) != 1 || m.PeerURLs[0] != want[m.Name] {
			return fmt.Sprintf("unexpected member %s %q %v (learner %v)", m.HexID(), m.Name, m.PeerURLs, m.IsLearner)
		}
	}
	st := sv.Samples[0].Status
	r.revision, r.version, r.cluster = st.Header.Revision, st.Version, st.Header.ClusterId
	if r.revision < p.snap.revision {
		return fmt.Sprintf("revision %d is below the snapshot's %d", r.revision, p.snap.revision)
	}
	return ""
}

// Output is etcd_restore's result: token, snapshot (path, sha256,
// revision), revision and version after the restore, cluster_id, and per
// member its host, name, data_dir, moved_to ("" when there was no data
// dir) and the tool used.
func (Restore) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"token": cty.String, "snapshot": cty.String, "snapshot_sha256": cty.String, "snapshot_revision": cty.Number,
		"revision": cty.Number, "version": cty.String, "cluster_id": cty.String,
		"members": cty.List(cty.Object(map[string]cty.Type{
			"host": cty.String, "name": cty.String, "data_dir": cty.String, "moved_to": cty.String, "tool": cty.String,
		})),
	})
}

func (r *run) output() cty.Value {
	var ms []cty.Value
	for _, m := range r.p.members {
		moved := ""
		if m.dataExists {
			moved = m.aside(r.tok)
		}
		ms = append(ms, cty.ObjectVal(map[string]cty.Value{
			"host": cty.StringVal(m.Host), "name": cty.StringVal(m.Name), "data_dir": cty.StringVal(m.DataDir),
			"moved_to": cty.StringVal(moved), "tool": cty.StringVal(m.tool.name),
		}))
	}
	return cty.ObjectVal(map[string]cty.Value{
		"token": cty.StringVal(r.tok), "snapshot": cty.StringVal(r.p.snap.path), "snapshot_sha256": cty.StringVal(r.p.snap.sha256),
		"snapshot_revision": cty.NumberIntVal(r.p.snap.revision), "revision": cty.NumberIntVal(r.revision),
		"version": cty.StringVal(r.version), "cluster_id": cty.StringVal(etcdconn.HexID(r.cluster)),
		"members": cty.ListVal(ms),
	})
}
