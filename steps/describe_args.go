package steps

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ArgEval evaluates one argument's expression before a run: its value
// without marks (unknown where a run must tell) and whether it derives
// from a secret.
type ArgEval func(expr hcl.Expression) (value cty.Value, sensitive bool)

// NewArgs reads a step block's own arguments (body, as the language left
// them: no meta-arguments) into Args, for a Describer. src is the source
// the body was parsed from (for each expression as written), dir the
// runbook's directory. skip names arguments and blocks to leave out (the
// meta-arguments). A body that is not native HCL syntax yields no
// arguments. The engine calls it with its preflight scope; tests with
// their own.
func NewArgs(body hcl.Body, src []byte, dir string, eval ArgEval, skip func(string) bool) Args {
	out := Args{Dir: dir, Values: map[string]Arg{}}
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return out
	}
	names := make([]string, 0, len(b.Attributes))
	for name := range b.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if skip != nil && skip(name) {
			continue
		}
		expr := b.Attributes[name].Expr
		v, sensitive := eval(expr)
		out.Values[name] = Arg{Value: v, Sensitive: sensitive, Expr: exprText(expr, src)}
	}
	for _, blk := range b.Blocks {
		if skip != nil && skip(blk.Type) {
			continue
		}
		out.Blocks = append(out.Blocks, ArgBlock{Type: blk.Type, Labels: blk.Labels, Args: NewArgs(blk.Body, src, dir, eval, nil)})
	}
	return out
}

// exprText is an expression as written, on one line (runs of white space
// made one space), or "..." when src does not hold it.
func exprText(expr hcl.Expression, src []byte) string {
	r := expr.Range()
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return "..."
	}
	return strings.Join(strings.Fields(string(r.SliceBytes(src))), " ")
}
