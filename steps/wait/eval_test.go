package wait_test

import (
	"maps"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/wait"
)

// evaluator is a steps.Evaluator over fixed variables (var.*), binding
// self as the engine's does.
type evaluator struct{ vars map[string]cty.Value }

var _ steps.Evaluator = evaluator{}

func (e evaluator) ctx(self cty.Value) *hcl.EvalContext {
	vars := maps.Clone(e.vars)
	if self != cty.NilVal {
		vars["self"] = self
	}
	return &hcl.EvalContext{Variables: vars}
}

func (e evaluator) DecodeBody(body hcl.Body, self cty.Value, into any) hcl.Diagnostics {
	return gohcl.DecodeBody(body, e.ctx(self), into)
}

func (e evaluator) EvalCondition(expr hcl.Expression, self cty.Value) (bool, hcl.Diagnostics) {
	v, diags := expr.Value(e.ctx(self))
	if diags.HasErrors() {
		return false, diags
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || b.IsNull() || !b.IsKnown() {
		return false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid condition", Detail: "until must be a known bool", Subject: expr.Range().Ptr()}}
	}
	return b.True(), nil
}

// vars makes var.<name> values from strings and bools.
func vars(kv map[string]any) evaluator {
	vals := map[string]cty.Value{}
	for k, v := range kv {
		switch v := v.(type) {
		case string:
			vals[k] = cty.StringVal(v)
		case bool:
			vals[k] = cty.BoolVal(v)
		}
	}
	return evaluator{vars: map[string]cty.Value{"var": cty.ObjectVal(vals)}}
}

// decode parses a wait_until block body and decodes it as the engine
// does: the block's own arguments into the type's config, with gohcl.
func decode(t *testing.T, w *wait.Type, ev evaluator, src string) *wait.Config {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "runbook.mend.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	cfg := w.NewConfig()
	if diags := gohcl.DecodeBody(f.Body, ev.ctx(cty.NilVal), cfg); diags.HasErrors() {
		t.Fatal(diags)
	}
	return cfg.(*wait.Config)
}
