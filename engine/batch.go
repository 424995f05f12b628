package engine

import (
	"context"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
)

// execGroup runs a step on the hosts of one batch that are not done yet.
// When the audit sink stores batches and every host of the group runs at
// once (no more hosts than the parallelism), the audit log's share is two
// fsyncs for the whole group instead of two per host: every host is
// connected first, the intents of all are written in one append (durable
// before any host starts; a host whose intent was not stored does not
// run), and the outcomes of all in one append once the last host is done.
// An outcome not yet written when mend dies reads later as "outcome
// unknown", as it would have for a host still running. Otherwise each
// host writes its own records as it goes (execHost). done is called for
// every task of the group once its result is final.
func (r *runner) execGroup(ctx context.Context, st *runbooks.Step, group []*hostTask, done func(*hostTask)) {
	if !r.audit.batches() || len(group) > r.e.opts.Parallelism {
		r.parallel(group, func(t *hostTask) {
			if !t.done {
				r.execHost(ctx, st, t)
			}
			done(t)
		})
		return
	}
	defer func() {
		for _, t := range group {
			done(t)
		}
	}()
	live := make([]*groupHost, 0, len(group))
	for _, t := range group {
		if !t.done {
			live = append(live, &groupHost{task: t})
		}
	}
	r.parallelHosts(live, func(g *groupHost) { g.mh, g.err = r.connect(ctx, g.task) })
	r.writeIntents(st, live)
	r.parallelHosts(live, func(g *groupHost) {
		if g.err == nil {
			g.exit = r.attempts(ctx, st, g.task, g.mh)
		}
	})
	r.writeOutcomes(st, live)
	// In parallel: the last step on a host also releases its lock.
	r.parallelHosts(live, func(g *groupHost) { r.release(g.task, g.mh) })
}

// groupHost is one host of execGroup: its connection, the error that
// keeps it from running (connect, or its intent not stored), and the
// exit code for its outcome record.
type groupHost struct {
	task    *hostTask
	mh      steps.MutableHost
	err     error
	started bool // its intent is durable
	exit    *int
}

// writeIntents writes the intents of the connected hosts in one append;
// a host whose intent was not stored fails closed.
func (r *runner) writeIntents(st *runbooks.Step, live []*groupHost) {
	var recs []audit.Record
	var hosts []*groupHost
	for _, g := range live {
		if g.err != nil {
			r.fail(g.task, g.err)
			continue
		}
		recs = append(recs, intentRecord(st.Address(), g.mh, g.task.name(), g.task.result.Preview))
		hosts = append(hosts, g)
	}
	for i, err := range r.audit.appendBatch(recs) {
		g := hosts[i]
		if err != nil {
			r.failClosed(st, g.task, err)
			g.err = err
			continue
		}
		g.started = true
	}
}

// writeOutcomes writes, in one append, the outcome of every host that
// started and a finish record for every host that could not connect.
func (r *runner) writeOutcomes(st *runbooks.Step, live []*groupHost) {
	var recs []audit.Record
	var hosts []*groupHost
	for _, g := range live {
		switch {
		case g.started:
			recs = append(recs, finishRecord(st.Address(), g.mh, g.task.name(), g.task.result, g.exit))
		case g.mh == nil:
			recs = append(recs, finishRecord(st.Address(), nil, g.task.name(), g.task.result, nil))
		default:
			continue // its intent failed: nothing ran, the run stops
		}
		hosts = append(hosts, g)
	}
	for i, err := range r.audit.appendBatch(recs) {
		if err != nil {
			r.finishNotRecorded(hosts[i].task, err)
		}
	}
}

// parallelHosts calls fn for every host at once (execGroup's hosts are
// never more than the parallelism).
func (r *runner) parallelHosts(hosts []*groupHost, fn func(*groupHost)) {
	tasks := make([]*hostTask, len(hosts))
	byTask := make(map[*hostTask]*groupHost, len(hosts))
	for i, g := range hosts {
		tasks[i] = g.task
		byTask[g.task] = g
	}
	r.parallel(tasks, func(t *hostTask) { fn(byTask[t]) })
}
