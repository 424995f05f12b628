package steps

import (
	"context"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// Phase says whether a block only looks (Diagnose) or changes things (Repair).
type Phase int

const (
	// Diagnose steps are read-only and run for real during plan.
	Diagnose Phase = iota + 1
	// Repair steps change hosts; plan only previews them.
	Repair
)

// String returns the block type keyword of the phase: "diagnose" or "repair".
func (p Phase) String() string {
	switch p {
	case Diagnose:
		return "diagnose"
	case Repair:
		return "repair"
	}
	return "unknown"
}

// MarshalText makes a Phase read as its keyword in JSON.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Type is what every step type declares, before anything runs: its name,
// the shape of its arguments and the shape of its result. The language
// package uses it for static checks (unknown or missing arguments, wrong
// types, references to attributes the output does not have).
type Type interface {
	// Name is the first block label, e.g. "command" or "x509_compare".
	Name() string
	// NewConfig returns a pointer to a fresh, zero config struct whose
	// fields carry gohcl tags (`hcl:"path"`, `hcl:"mode,optional"`). The
	// engine decodes the block's own arguments into it. Fields may be Go
	// primitives, slices, maps, cty.Value, or structs with cty tags for
	// object-typed attributes.
	NewConfig() any
	// Output is the object type of the step's result on one host. It must
	// be an object type; its attributes are what a runbook may reference as
	// diagnose.<type>.<name>.<attr>.
	Output() cty.Type
}

// Diagnoser is a read-only step type. Diagnose must not change any host:
// it runs during plan.
type Diagnoser interface {
	Type
	Diagnose(ctx context.Context, req DiagnoseRequest) (DiagnoseResponse, error)
}

// Repairer is a mutating step type. Plan previews what Apply would do and
// must not change anything (it only gets a read-only Host). Apply makes the
// change. Both are called with the same decoded config.
type Repairer interface {
	Type
	// Dangerous reports whether every use of this type must carry an
	// approval block. The validator rejects a dangerous repair without one.
	Dangerous() bool
	Plan(ctx context.Context, req PlanRequest) (PlanResponse, error)
	Apply(ctx context.Context, req ApplyRequest) (ApplyResponse, error)
}

// Hostless is implemented by a step type that can run without `on`
// because it names its hosts in its own arguments (x509_compare) or needs
// none (assert). Every other step type needs `on`, and the validator says
// so before anything runs.
type Hostless interface {
	Hostless() bool
}

// ClusterWide is implemented by a repair type whose change every host
// sees, not only the one it runs on: a consensus store's members, keys or
// alarms (etcd_maintain runs on one host and changes the whole cluster).
// In a plan, a pending change of such a type defers every later diagnosis
// on every host, as a repair with no known hosts does: what the diagnosis
// would read from any host is about to change.
type ClusterWide interface {
	ClusterWide() bool
}

// ShellCoder is implemented by a step type some of whose string
// arguments run on the host as POSIX shell code (command's command and
// unless, etcd_restore's stop_command). validate warns where such an
// argument puts a value from a variable, a step result, the host or the
// inventory into the command line without shellquote() (or rawshell(),
// which says the value is meant to be shell code).
type ShellCoder interface {
	ShellArgs() []string
}

// Validator is optionally implemented by a step type whose arguments have
// rules beyond their types (one of two arguments required, a mode string
// that must parse). The engine calls it after decoding, with the block's
// range to report against; a non-nil error is reported as a diagnostic on
// the block and the step fails before touching any host.
type Validator interface {
	ValidateConfig(config any) error
}

// LocalFileConfig is a config that names files on the machine running
// mend (the file step's source). The engine calls SetRunbookDir with the
// runbook's directory, against which relative paths resolve, right after
// decoding, before ValidateConfig.
type LocalFileConfig interface {
	SetRunbookDir(dir string)
}

// DiagnoseRequest is everything a diagnose step gets for one run on one
// host (or once, for a step without `on`).
type DiagnoseRequest struct {
	// Config is the pointer returned by NewConfig, decoded.
	Config any
	// Host is the target host, or nil for a step without `on` (such a step
	// reaches hosts named in its config through Hosts).
	Host Host
	// Hosts resolves other inventory hosts by name (read-only).
	Hosts HostResolver
	// Timeout is the step's `timeout` meta-argument (zero: none). ctx
	// already carries it as a deadline; it is here so a step can give a
	// protocol its own time budget (etcd's call timeouts, for example).
	Timeout time.Duration
	// Eval evaluates HCL the step kept unevaluated (see Evaluator).
	Eval Evaluator
	// SensitiveConfig: as in PlanRequest. A command whose line holds a
	// secret may print it transformed (rev, base64): its output must then
	// be treated as sensitive.
	SensitiveConfig bool
}

// DiagnoseResponse is the result of a diagnose on one host.
type DiagnoseResponse struct {
	// Output must conform to the type's Output() object type.
	Output cty.Value
	// Summary is one short line for humans ("exit 0", "same CA: no").
	Summary string
	// Details are further lines shown under the summary in plan output
	// (e.g. the two fingerprints compared). No secrets, no key material.
	Details []string
}

// Action is what a repair would do on one host.
type Action int

const (
	// NoOp means the host is already converged: Apply would change nothing.
	NoOp Action = iota
	// Change means Apply would change the host.
	Change
	// Unknown means the preview cannot tell (e.g. a guard that cannot be
	// evaluated until an earlier repair ran). Apply decides at run time.
	Unknown
)

// String returns "no-op", "change" or "unknown".
func (a Action) String() string {
	switch a {
	case NoOp:
		return "no-op"
	case Change:
		return "change"
	}
	return "unknown"
}

// Preview is what a repair would do, for a reviewer. It is rendered as
// text, markdown and JSON; it must never hold secrets or key material.
type Preview struct {
	// Summary is one line: "write /etc/x (0644 root:root), 3 lines changed".
	Summary string `json:"summary"`
	// Diff is a unified diff of a file's content, if any.
	Diff string `json:"diff,omitempty"`
	// Command is the exact command line that would run, if any.
	Command string `json:"command,omitempty"`
	// Changes are other state changes, one per line ("mode 0600 -> 0644").
	Changes []string `json:"changes,omitempty"`
}

// PlanRequest is what a repair's Plan gets for one host.
type PlanRequest struct {
	Config  any
	Host    Host // read-only on purpose: a preview cannot write
	Hosts   HostResolver
	Timeout time.Duration
	// SensitiveConfig is true when an argument of the step derives from a
	// sensitive value. The engine redacts the value itself wherever it
	// appears, but not what it replaces: a preview must then not show
	// current content either (an old, still valid password on the "-"
	// line of a diff); digests only.
	SensitiveConfig bool
}

// PlanResponse is a repair's preview on one host.
type PlanResponse struct {
	Action  Action
	Preview Preview
	// Output is the planned result; attributes only known after Apply are
	// cty.UnknownVal of their type. A null Output means "all unknown".
	Output cty.Value
	// Observed is what the preview saw on the host, opaque to the engine,
	// which hands it to the Apply of the same run and host as
	// ApplyRequest.Planned: a step type can then act on it (a file step
	// writes, on condition the file is unchanged) instead of reading again.
	Observed any
}

// ApplyRequest is what a repair's Apply gets for one host.
type ApplyRequest struct {
	Config  any
	Host    MutableHost
	Hosts   HostResolver
	Timeout time.Duration
	// Planned is the Observed of this run's preview on this host; nil when
	// there was none. Apply must not trust it blindly: the host may have
	// changed since.
	Planned any
	// SensitiveConfig: as in PlanRequest.
	SensitiveConfig bool
}

// ApplyResponse is the result of a repair on one host.
type ApplyResponse struct {
	// Changed is false when the host was already converged.
	Changed bool
	Output  cty.Value
	Summary string
	Details []string
}
