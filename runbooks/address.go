package runbooks

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Addr is a step address as plan, apply, JSON, the audit log and
// --approve spell it: a block, "repair.file.install_cert", or one
// instance of a block with for_each, `repair.file.install_cert["etcd-01"]`
// (Terraform's form: the key in HCL's string syntax, so an address is an
// HCL traversal and parses back with ParseAddr).
type Addr struct {
	Phase      Phase
	Type, Name string
	// Key is the instance key; meaningful only when HasKey (a key may
	// be the empty string).
	Key    string
	HasKey bool
}

// Block is the address of the step block, without an instance key.
func (a Addr) Block() string {
	return fmt.Sprintf("%s.%s.%s", a.Phase, a.Type, a.Name)
}

// String is the address: the block's, followed by `["key"]` for an
// instance.
func (a Addr) String() string {
	if !a.HasKey {
		return a.Block()
	}
	return a.Block() + IndexString(a.Key)
}

// Instance returns the address of the instance of a's block with key.
func (a Addr) Instance(key string) Addr {
	a.Key, a.HasKey = key, true
	return a
}

// IndexString spells key as an HCL index, `["key"]`: quotes, backslashes
// and control characters escaped, and `${` and `%{` doubled so that the
// key is never read as a template (as Terraform spells instance keys).
func IndexString(key string) string {
	var b strings.Builder
	b.WriteString(`["`)
	for i, r := range key {
		switch r {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '$', '%':
			b.WriteRune(r)
			if strings.HasPrefix(key[i+1:], "{") {
				b.WriteRune(r)
			}
		default:
			if unicode.IsPrint(r) {
				b.WriteRune(r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		}
	}
	b.WriteString(`"]`)
	return b.String()
}

// ParseAddr parses a step address, with or without an instance key
// (`repair.file.install_cert["etcd-01"]`), as given to --approve or read
// from a saved plan. It checks the form only, not that the step exists.
func ParseAddr(s string) (Addr, error) {
	tr, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return Addr{}, fmt.Errorf("%q is not a step address (diagnose.TYPE.NAME or repair.TYPE.NAME, optionally followed by [\"KEY\"]): %s", s, diags[0].Summary)
	}
	var a Addr
	switch tr.RootName() {
	case "diagnose":
		a.Phase = Diagnose
	case "repair":
		a.Phase = Repair
	default:
		return Addr{}, fmt.Errorf(`%q is not a step address: it must start with "diagnose." or "repair."`, s)
	}
	typ, ok1 := attrName(tr, 1)
	name, ok2 := attrName(tr, 2)
	if !ok1 || !ok2 || len(tr) > 4 {
		return Addr{}, fmt.Errorf("%q is not a step address: want diagnose.TYPE.NAME or repair.TYPE.NAME, optionally followed by [\"KEY\"]", s)
	}
	a.Type, a.Name = typ, name
	if len(tr) == 4 {
		idx, ok := tr[3].(hcl.TraverseIndex)
		if !ok || idx.Key.Type() != cty.String || !idx.Key.IsKnown() || idx.Key.IsNull() {
			return Addr{}, fmt.Errorf("%q is not a step address: an instance key is a quoted string, as in [\"etcd-01\"]", s)
		}
		a.Key, a.HasKey = idx.Key.AsString(), true
	}
	return a, nil
}
