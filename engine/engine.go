package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// DefaultParallelism bounds how many hosts one step runs on at once.
const DefaultParallelism = 10

// Connector opens (or reuses) the connection to an inventory host. The CLI
// passes an SSH pool; tests pass local or fake hosts. Implementations must
// be safe for concurrent use and reuse one connection per host.
type Connector interface {
	Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error)
}

// Releaser is a Connector that is told when the engine is done with a
// handle, so that it can close connections nobody needs (the SSH pool,
// under --max-connections). The engine releases every handle Connect
// returned once, when the step (or preview, or a step's read of another
// host) that asked for it is done with it; while a host runs a step it
// holds its handle. Retire says no later step of the run goes to h (as
// far as the engine can tell: a later `on` not known yet keeps every
// host): its connection can be closed once released. A host Retired and
// connected again later is simply dialled anew.
type Releaser interface {
	Release(h *runbooks.InventoryHost, mh steps.MutableHost)
	Retire(h *runbooks.InventoryHost)
}

// AuditSink receives audit records. Append must persist the record durably
// before returning nil; an error means the record is lost and the engine
// will not run the repair it announces (fail closed).
type AuditSink interface {
	Append(r audit.Record) (audit.Record, error)
}

// BatchAuditSink is an AuditSink that can store several records with one
// write and one fsync (audit.Run does). With one, the engine writes the
// intents of all hosts of a step batch in one append before any of them
// starts, and their outcomes in one append once all are done; errs[i] is
// nil when rs[i] is durable.
type BatchAuditSink interface {
	AuditSink
	AppendBatch(rs []audit.Record) (stored []audit.Record, errs []error)
}

// Options configure an Engine. Registry and Connector are required.
type Options struct {
	Registry    *steps.Registry
	Connector   Connector
	Audit       AuditSink // nil: records are dropped (tests only; the CLI always sets one)
	Hook        Hook      // nil: NopHook
	Parallelism int       // 0: DefaultParallelism
	// MaxConnections is the cap the Connector keeps open connections
	// under (0: none). The engine then runs a step on at most
	// MaxConnections-1 hosts at once (at least 1), so that one is left
	// for a step that reads another host (x509_inspect's ca_host), and
	// hosts that connect together (one audit batch) fit under the cap.
	MaxConnections int
	Operator       string     // OS user, for the audit log
	RunID          string     // "" : generated
	HostLocks      *HostLocks // nil: no locks on the target hosts (see HostLocks)
	Now            func() time.Time
}

// Engine runs runbooks. It holds no per-run state; one Engine may run
// several plans and applies one after another.
type Engine struct {
	opts Options
}

// New returns an Engine. It panics when Registry or Connector is nil: that is
// a wiring bug, not a user error.
func New(opts Options) *Engine {
	if opts.Registry == nil || opts.Connector == nil {
		panic("engine: Options.Registry and Options.Connector are required")
	}
	if opts.Hook == nil {
		opts.Hook = NopHook{}
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.MaxConnections > 0 {
		opts.Parallelism = min(opts.Parallelism, max(1, opts.MaxConnections-1))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Engine{opts: opts}
}

// Request is what Plan and Apply run: a loaded runbook, its inventory and
// the evaluated variables (runbooks.(*Runbook).EvalVariables).
type Request struct {
	Runbook   *runbooks.Runbook
	Inventory *runbooks.Inventory
	Vars      map[string]cty.Value
	// Approver decides approval gates during Apply; nil refuses every gate.
	Approver Approver
	// DigestKey, when set, keys the digests of diagnose results
	// (HostRun.ResultDigest) that a saved plan records and its apply
	// compares. Expect is the saved plan being applied; PlanSHA256 its
	// digest, written in the run's audit records.
	DigestKey  []byte
	Expect     Expectation
	PlanSHA256 string
	// Facts are digests of the run's inputs (keys audit.FactPrefix+...),
	// written in its run_start record, so that resuming it can tell
	// whether they changed.
	Facts map[string]string
	// Resume, in an apply, is the dead run it continues (audit.ReadResume,
	// checked and decided): repairs it finished are skipped per host, the
	// operator's decisions about repairs whose outcome is unknown are
	// audited before anything runs, and diagnoses run again.
	Resume *audit.Resume
	// BreakLock lets an apply break another run's lock on a host
	// (--break-lock): for a run that died holding it. Audited.
	BreakLock bool
}

// Plan runs the runbook's diagnoses for real and previews every repair
// without changing anything: repairs only get read-only hosts and their
// Apply is never called. Diagnoses after a repair that would change
// something are deferred ("known at apply").
func (e *Engine) Plan(ctx context.Context, req Request) (*Run, error) {
	return e.newRunner(req, ModePlan).execute(ctx)
}

// Apply runs the runbook: diagnoses, then each repair after its gate (if
// any) is granted by req.Approver. A refused gate, a failed step (unless
// on_failure = "continue") or an unwritable audit log stops the run; what
// was not done is listed by (*Run).NotDone.
func (e *Engine) Apply(ctx context.Context, req Request) (*Run, error) {
	return e.newRunner(req, ModeApply).execute(ctx)
}

func (e *Engine) runID() string {
	if e.opts.RunID != "" {
		return e.opts.RunID
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
