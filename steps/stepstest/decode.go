package stepstest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// SrcFile is the file name decoded snippets carry in their diagnostics.
const SrcFile = "step.mend.hcl"

// DecodeCase is one row of a decode table.
type DecodeCase struct {
	Name string
	Type steps.Type
	// Src is the step block's own arguments as HCL (no meta-arguments, no
	// enclosing block): line 1, column 1 is its first byte.
	Src string
	// Vars are the variables in scope by root name ("var", "diagnose");
	// nil: none, and a reference is a decoding error.
	Vars map[string]cty.Value
	// Want, when not nil, is what Src must decode to: a pointer like the
	// one NewConfig returns, compared with cmp (cty values by RawEquals).
	// It is compared even when diagnostics are expected.
	Want any
	// WantDiags are the diagnostics expected, in order, each written
	// "LINE:COL: TEXT": one diagnostic that starts at LINE:COL and whose
	// "Summary; Detail" contains TEXT. Empty: Src must decode and validate
	// cleanly.
	WantDiags []string
	// Check, when set, looks further at a config that decoded cleanly
	// (what cmp cannot say, e.g. a helper's reading of a cty.Value).
	Check func(t *testing.T, config any)
}

// DecodeOption changes what DecodeTable checks.
type DecodeOption int

// ConfigRefusals makes DecodeTable also require every ValidateConfig
// refusal to be of class steps.ClassConfig (what a run records when a
// config it could only check then is refused).
const ConfigRefusals DecodeOption = 1

// DecodeTable runs each case as a subtest (see DecodeCase).
func DecodeTable(t *testing.T, cases []DecodeCase, opts ...DecodeOption) {
	t.Helper()
	class := slices.Contains(opts, ConfigRefusals)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			cfg, problems := checkDecode(c, class)
			for _, p := range problems {
				t.Error(p)
			}
			if len(problems) == 0 && len(c.WantDiags) == 0 && c.Check != nil {
				c.Check(t, cfg)
			}
		})
	}
}

// checkDecode decodes c and says what differs from what it expects.
// With class, a ValidateConfig refusal must be of class config.
func checkDecode(c DecodeCase, class bool) (any, []string) {
	cfg, diags, verr := decode(c.Type, c.Src, c.Vars)
	var problems []string
	if class && verr != nil && steps.Classify(verr) != steps.ClassConfig {
		problems = append(problems, fmt.Sprintf("ValidateConfig error %q is of class %s, want config", verr, steps.Classify(verr)))
	}
	got := DiagStrings(diags)
	if len(got) != len(c.WantDiags) {
		problems = append(problems, fmt.Sprintf("diagnostics:\n  got  %q\n  want %q", got, c.WantDiags))
	} else {
		for i, w := range c.WantDiags {
			if !diagMatches(got[i], w) {
				problems = append(problems, fmt.Sprintf("diagnostic %d:\n  got  %q\n  want %q", i, got[i], w))
			}
		}
	}
	if c.Want != nil {
		if d := cmp.Diff(c.Want, cfg, CmpOptions...); d != "" {
			problems = append(problems, "decoded config (-want +got):\n"+d)
		}
	}
	return cfg, problems
}

// diagMatches: got is "L:C: text", want is "L:C: substring".
func diagMatches(got, want string) bool {
	wl, wt, _ := strings.Cut(want, ": ")
	gl, gt, _ := strings.Cut(got, ": ")
	return wl == gl && strings.Contains(gt, wt)
}

// CmpOptions make cmp compare what configs hold: cty values and types.
var CmpOptions = []cmp.Option{
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
	cmp.Comparer(func(a, b cty.Type) bool { return a.Equals(b) }),
}

// DiagStrings writes each diagnostic as "LINE:COL: Summary; Detail"
// ("0:0" when it has no subject).
func DiagStrings(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		var line, col int
		if d.Subject != nil {
			line, col = d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, fmt.Sprintf("%d:%d: %s; %s", line, col, d.Summary, d.Detail))
	}
	return out
}

// Decode decodes src into a fresh config of typ as the engine does: gohcl
// into NewConfig's struct, then the type's ValidateConfig. A
// ValidateConfig error becomes an "Invalid step argument" diagnostic at
// the argument a steps.ArgError names, else at 1:1 (where the engine
// points at the step's block). The config is returned even with
// diagnostics, as far as it decoded.
func Decode(typ steps.Type, src string, vars map[string]cty.Value) (any, hcl.Diagnostics) {
	cfg, diags, _ := decode(typ, src, vars)
	return cfg, diags
}

// decode is Decode that also returns ValidateConfig's error, whose class
// a table checks (a refused config is steps.ClassConfig).
func decode(typ steps.Type, src string, vars map[string]cty.Value) (any, hcl.Diagnostics, error) {
	cfg := typ.NewConfig()
	f, diags := hclsyntax.ParseConfig([]byte(src), SrcFile, hcl.InitialPos)
	if diags.HasErrors() {
		return cfg, diags, nil
	}
	var ctx *hcl.EvalContext
	if vars != nil {
		ctx = &hcl.EvalContext{Variables: vars}
	}
	if diags := gohcl.DecodeBody(f.Body, ctx, cfg); diags.HasErrors() {
		return cfg, diags, nil
	}
	if c, ok := cfg.(steps.LocalFileConfig); ok {
		c.SetRunbookDir(filepath.Dir(SrcFile)) // as the engine does, for the runbook SrcFile
	}
	v, ok := typ.(steps.Validator)
	if !ok {
		return cfg, nil, nil
	}
	err := v.ValidateConfig(cfg)
	if err == nil {
		return cfg, nil, nil
	}
	at := hcl.Range{Filename: SrcFile, Start: hcl.InitialPos, End: hcl.InitialPos}
	var ae *steps.ArgError
	if errors.As(err, &ae) {
		if attr := f.Body.(*hclsyntax.Body).Attributes[ae.Attr]; attr != nil {
			at = attr.Expr.Range()
		}
	}
	return cfg, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid step argument",
		Detail:   err.Error(),
		Subject:  &at,
	}}, err
}

// MustDecode decodes src (see Decode) for a test that goes on to run the
// step, and stops the test on any diagnostic.
func MustDecode[T any](t testing.TB, typ steps.Type, src string, vars map[string]cty.Value) T {
	t.Helper()
	cfg, diags := Decode(typ, src, vars)
	if len(diags) > 0 {
		t.Fatalf("decoding %s config: %s", typ.Name(), strings.Join(DiagStrings(diags), "\n"))
	}
	c, err := steps.ConfigAs[T](cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Vars builds the variables of a DecodeCase from Go strings: Vars("var",
// map{"etcd": cty.StringVal("etcd-01")}) is var.etcd.
func Vars(root string, attrs map[string]cty.Value) map[string]cty.Value {
	return map[string]cty.Value{root: cty.ObjectVal(attrs)}
}
