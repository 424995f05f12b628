package runbooks

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func TestFunctions(t *testing.T) {
	ctx := &hcl.EvalContext{
		Functions: Functions(),
		Variables: map[string]cty.Value{"secret": cty.StringVal("pw").Mark(SensitiveMark)},
	}
	tests := []struct {
		expr, want string // want is the GoString of the result
	}{
		{`sha256("abc")`, `cty.StringVal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")`},
		{`base64decode(base64encode("pem ✓"))`, `cty.StringVal("pem ✓")`},
		{`startswith("etcd-01", "etcd")`, `cty.True`},
		{`endswith("etcd-01", "etcd")`, `cty.False`},
		{`strcontains("x509: certificate signed by unknown authority", "unknown authority")`, `cty.True`},
		{`length("héllo")`, `cty.NumberIntVal(5)`},
		{`length(["a", "b"])`, `cty.NumberIntVal(2)`},
		{`try(jsondecode("{"), "fallback")`, `cty.StringVal("fallback")`},
		{`can(tonumber("x"))`, `cty.False`},
		{`tostring(42)`, `cty.StringVal("42")`},
		{`join(",", split(" ", trimspace("  a b ")))`, `cty.StringVal("a,b")`},
		{`upper(secret)`, `cty.StringVal("PW").Mark("sensitive")`},
		{`coalesce(null, "x")`, `cty.StringVal("x")`},
		{`lookup({ a = 1 }, "b", 2)`, `cty.NumberIntVal(2)`},
		{`replace(regex("v([0-9.]+)", "etcd v3.5.9")[0], ".", "_")`, `cty.StringVal("3_5_9")`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			expr, diags := hclsyntax.ParseExpression([]byte(tt.expr), "t", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			v, diags := expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := v.GoString(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	bad := []string{`base64decode("!!")`, `length(1)`, `base64decode("/w==")`}
	for _, src := range bad {
		expr, _ := hclsyntax.ParseExpression([]byte(src), "t", hcl.InitialPos)
		if _, diags := expr.Value(ctx); !diags.HasErrors() {
			t.Errorf("%s: want an error", src)
		}
	}
}
