package engine

import (
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/zclconf/go-cty/cty"
)

// redactedText replaces every secret in rendered text.
const redactedText = "(sensitive)"

// minSecretLen is the shortest value redacted by substring. Shorter
// sensitive values ("1", "on") would blank out unrelated text; they are
// still never rendered as values of their own, because variables are
// shown by name, not value.
const minSecretLen = 3

// redactor replaces the values of sensitive variables wherever they would
// appear in text that leaves the engine: summaries, previews, commands,
// errors, audit excerpts. Replacement by value is deliberately blunt: a
// secret interpolated into a command or file content is caught wherever it
// ends up.
type redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is replaced whole
}

// newRedactor collects the string forms of every value marked sensitive
// (and every value nested in one) from vars.
func newRedactor(vars map[string]cty.Value) *redactor {
	r := &redactor{}
	for _, v := range vars {
		if v.IsMarked() || v.ContainsMarked() {
			r.collect(v, v.IsMarked())
		}
	}
	r.sort()
	return r
}

func (r *redactor) sort() {
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// unmarkOutput learns the secrets a step output carries (values the step
// type marked steps.SensitiveMark) and returns the output unmarked, for the
// scope. Later text containing them is redacted.
func (r *redactor) unmarkOutput(v cty.Value) cty.Value {
	if v == cty.NilVal || !v.ContainsMarked() {
		return v
	}
	r.mu.Lock()
	r.collect(v, false)
	r.sort()
	r.mu.Unlock()
	plain, _ := v.UnmarkDeep()
	return plain
}

func (r *redactor) collect(v cty.Value, sensitive bool) {
	v, marks := v.Unmark()
	sensitive = sensitive || len(marks) > 0
	if v.IsNull() || !v.IsKnown() {
		return
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		if sensitive {
			r.addString(v.AsString())
		}
	case ty == cty.Number || ty == cty.Bool:
		if sensitive {
			s := v.GoString() // stable, e.g. cty.NumberIntVal(1234)
			if ty == cty.Number {
				s = v.AsBigFloat().Text('f', -1)
			}
			if len(s) >= minSecretLen {
				r.secrets = append(r.secrets, s)
			}
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			r.collect(ev, sensitive)
		}
	}
}

// addString learns a secret string and, for a multi-line one, each of its
// lines: output is often redacted line by line (a diff, a command's
// stdout), where the whole never appears.
func (r *redactor) addString(secret string) {
	if len(secret) >= minSecretLen {
		r.secrets = append(r.secrets, secret)
	}
	if !strings.Contains(secret, "\n") {
		return
	}
	for _, line := range strings.Split(secret, "\n") {
		if line = strings.TrimSpace(line); len(line) >= minSecretLen {
			r.secrets = append(r.secrets, line)
		}
	}
}

// harvest learns the secrets derived from sensitive values in a step's
// own arguments: evaluated with marks kept, every function call or
// reference whose result is marked is a secret in its own right
// (base64encode(var.token), jsonencode({t = var.token}), a line of a
// multi-line secret), so text that holds it is redacted though it never
// holds the variable's value verbatim. Templates are not harvested whole:
// their marked parts are, and a whole command line would redact too much.
//
// It reports whether any argument derives from a sensitive value, so the
// step type can hide what the value replaces (PlanRequest.SensitiveConfig).
func (r *redactor) harvest(body hcl.Body, ctx *hcl.EvalContext) bool {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return false
	}
	var found []cty.Value
	_ = hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.FunctionCallExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.RelativeTraversalExpr,
			*hclsyntax.IndexExpr, *hclsyntax.SplatExpr, *hclsyntax.ForExpr:
			if v, diags := e.(hclsyntax.Expression).Value(ctx); !diags.HasErrors() && v.ContainsMarked() {
				found = append(found, v)
			}
		}
		return nil
	})
	if len(found) == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range found {
		r.collect(v, v.IsMarked())
	}
	r.sort()
	return true
}

// String redacts s.
func (r *redactor) String(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedText)
	}
	return s
}

// Strings redacts each element of ss in place and returns it.
func (r *redactor) Strings(ss []string) []string {
	for i := range ss {
		ss[i] = r.String(ss[i])
	}
	return ss
}
