package builtin_test

import (
	"testing"

	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/zclconf/go-cty/cty"
)

// TestRegistryContracts checks every built-in type against the rules the
// language relies on: an object output without the attributes the
// language adds, a gohcl config struct, no argument named like a
// meta-argument.
func TestRegistryContracts(t *testing.T) {
	reg := builtin.Registry()
	meta := map[string]bool{}
	for _, m := range runbooks.MetaArgumentNames() {
		meta[m] = true
	}
	for _, phase := range []steps.Phase{steps.Diagnose, steps.Repair} {
		names := reg.Names(phase)
		if len(names) == 0 {
			t.Fatalf("no %s types", phase)
		}
		for _, name := range names {
			st := reg.Lookup(phase, name)
			t.Run(phase.String()+"/"+name, func(t *testing.T) {
				out := st.Output()
				if !out.IsObjectType() {
					t.Fatalf("Output() = %#v, want an object type", out)
				}
				if out.HasAttribute("hosts") {
					t.Errorf("output declares %q, which the language adds", "hosts")
				}
				// A repair may declare changed only with the meaning the
				// language gives it (did this repair change the host).
				if out.HasAttribute("changed") && (phase != steps.Repair || !out.AttributeType("changed").Equals(cty.Bool)) {
					t.Errorf("output declares changed (%#v), which the language adds for repairs as a bool", out.AttributeType("changed"))
				}
				schema, _ := gohcl.ImpliedBodySchema(st.NewConfig())
				for _, a := range schema.Attributes {
					if meta[a.Name] {
						t.Errorf("config argument %q is a meta-argument name", a.Name)
					}
				}
			})
		}
	}
	if reg.Diagnoser("wait_until") == nil || reg.Diagnoser("http_check") == nil {
		t.Error("wait_until or http_check missing")
	}
}
