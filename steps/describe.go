package steps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// Describer is optionally implemented by a step type that can say what a
// step of its type does from its arguments alone, before any host is
// reached: `mend show` renders it for a reviewer of a runbook ("writes
// /etc/x (mode 0644) from a 2.1 KiB source", "restarts service etcd").
// Describe must not reach any host or the network; it may read the local
// files a step names (the file step's source). It must never return a
// secret: an argument whose value derives from one is Sensitive, and its
// Text is "(sensitive)". A step type without a Describer is shown by its
// arguments.
type Describer interface {
	Describe(args Args) Description
}

// Description is what a step would do, in general terms.
type Description struct {
	// Summary is one line, starting with a verb: "restarts service etcd".
	Summary string
	// Details are further lines (a command's stdin, a guard).
	Details []string
}

// Args are a step's own arguments (not the meta-arguments) as far as they
// are known before a run: constants, variables given, the inventory. The
// engine builds them for Describer.
type Args struct {
	// Dir is the runbook's directory, against which relative local paths
	// resolve.
	Dir string
	// Values holds each argument written in the block, by name.
	Values map[string]Arg
	// Blocks are the nested blocks (wait_until's check), in source order.
	Blocks []ArgBlock
}

// Arg is one argument of a step.
type Arg struct {
	// Value is the argument's value without marks; unknown (not wholly
	// known) when it depends on what only a run knows: a step's result,
	// a variable without a value, the host.
	Value cty.Value
	// Expr is the argument's expression as written, on one line.
	Expr string
	// Sensitive is true when the value derives from a secret.
	Sensitive bool
}

// ArgBlock is a nested block of a step's arguments.
type ArgBlock struct {
	Type   string
	Labels []string
	Args   Args
}

// Has reports whether the argument name was written.
func (a Args) Has(name string) bool {
	_, ok := a.Values[name]
	return ok
}

// String returns the argument name as a string when it is written, known
// and not sensitive.
func (a Args) String(name string) (string, bool) {
	v, ok := a.Values[name]
	if !ok || v.Sensitive || !v.Value.IsWhollyKnown() || v.Value.IsNull() || v.Value.Type() != cty.String {
		return "", false
	}
	return v.Value.AsString(), true
}

// Bool returns the argument name as a bool when it is written and known.
func (a Args) Bool(name string) (bool, bool) {
	v, ok := a.Values[name]
	if !ok || !v.Value.IsWhollyKnown() || v.Value.IsNull() || v.Value.Type() != cty.Bool {
		return false, false
	}
	return v.Value.True(), true
}

// Text is the argument name for a sentence: its value when known
// ("/etc/x", "1, 2"), "(sensitive)" when it derives from a secret, and
// its expression marked as known at run time otherwise
// ("diagnose.file_read.ca.content (known at run time)"); def when it was
// not written.
func (a Args) Text(name, def string) string {
	v, ok := a.Values[name]
	switch {
	case !ok:
		return def
	case v.Sensitive:
		return "(sensitive)"
	case !v.Value.IsWhollyKnown():
		return v.Expr + " (known at run time)"
	}
	return ValueText(v.Value)
}

// Names returns the names of the arguments written, sorted.
func (a Args) Names() []string {
	names := make([]string, 0, len(a.Values))
	for n := range a.Values {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ValueText renders a known value for a sentence: a string as it is, a
// number or bool as HCL writes it, a list or set as its elements joined
// by ", ", a map or object as "k = v" pairs, null as "null".
func ValueText(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return fmt.Sprint(v.True())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			parts = append(parts, ValueText(e))
		}
		return strings.Join(parts, ", ")
	case ty.IsMapType() || ty.IsObjectType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			parts = append(parts, k.AsString()+" = "+ValueText(e))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ty.FriendlyName()
}

// SizeText is a byte count for humans: "512 B", "2.1 KiB", "1.0 MiB".
func SizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
