package engine

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// redactedText replaces every secret in rendered text.
const redactedText = "(sensitive)"

// Minimum lengths for redaction by substring. A shorter sensitive value
// ("on", "600") would blank out unrelated text and, by the holes it
// leaves, reveal itself; such values are reported (ShortSecrets) instead.
const (
	minSecretLen = 4 // strings
	minNumberLen = 6 // numbers and bools: digits recur everywhere (modes, ports, pids)
	minPrefixLen = 5 // a cut-off secret ("Bearer Zq9CANAR…") is redacted from this long
)

// redactor replaces the values of sensitive variables, of outputs a step
// type marked sensitive, and of values derived from them, wherever they
// would appear in text that leaves the engine: summaries, previews,
// commands, errors, audit records. Replacement by value is deliberately
// blunt: a secret interpolated into a command or file content is caught
// wherever it ends up, in the encodings it is likely to take there.
type redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is replaced whole
	short   []string // sensitive values too short to redact (see ShortSecrets)
}

// newRedactor learns every value marked sensitive (and every value nested
// in one) in vars.
func newRedactor(vars map[string]cty.Value) *redactor {
	r := &redactor{}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if v := vars[k]; v.ContainsMarked() {
			n := len(r.secrets)
			r.collect(v, v.IsMarked())
			if len(r.secrets) == n {
				r.short = append(r.short, k)
			}
		}
	}
	r.sort()
	return r
}

// ShortSecrets names the sensitive variables none of whose values could be
// learned for redaction because they are too short (or empty); the CLI
// warns about them.
func (r *redactor) ShortSecrets() []string { return r.short }

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

// learn adds the secrets in a value that is, or contains, marked values.
func (r *redactor) learn(vals ...cty.Value) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range vals {
		r.collect(v, false)
	}
	r.sort()
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
			r.addString(v.AsString(), minSecretLen)
		}
	case ty == cty.Number:
		if sensitive {
			r.addString(v.AsBigFloat().Text('f', -1), minNumberLen)
		}
	case ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			if sensitive && ty.IsMapType() {
				r.addString(k.AsString(), minSecretLen) // the keys of a secret map are secret too
			}
			r.collect(ev, sensitive)
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			r.collect(ev, sensitive)
		}
	}
}

// addString learns a secret string in the forms it takes in output: as
// is, each line of a multi-line one (diffs and command output are handled
// line by line), and escaped as Go or JSON quoting, a URL path or a URL
// query would escape it.
func (r *redactor) addString(secret string, min int) {
	forms := []string{secret}
	if strings.Contains(secret, "\n") {
		for _, line := range strings.Split(secret, "\n") {
			forms = append(forms, strings.TrimSpace(line))
		}
	}
	quoted := strconv.Quote(secret)
	forms = append(forms, quoted[1:len(quoted)-1], url.PathEscape(secret), url.QueryEscape(secret))
	if j, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	for _, f := range forms {
		if len(f) >= min && !r.knows(f) {
			r.secrets = append(r.secrets, f)
		}
	}
}

func (r *redactor) knows(s string) bool {
	for _, x := range r.secrets {
		if x == s {
			return true
		}
	}
	return false
}

// harvest learns the secrets derived from sensitive values in a step's
// arguments (the body, and `when`, `on` and expect messages given as
// exprs): evaluated with marks kept, every function call, reference,
// operator or conditional whose result is marked is a secret in its own
// right (base64encode(var.token), var.pin * 2, a line of a multi-line
// secret), so text that holds it is redacted though it never holds the
// variable's value verbatim. Templates are not learned whole: their marked
// parts are, and a whole command line would redact too much.
//
// It reports whether anything derives from a sensitive value, so the step
// type can hide what the value replaces (PlanRequest.SensitiveConfig).
func (r *redactor) harvest(body hcl.Body, ctx *hcl.EvalContext, exprs ...hcl.Expression) bool {
	var found []cty.Value
	visit := func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.FunctionCallExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.RelativeTraversalExpr,
			*hclsyntax.IndexExpr, *hclsyntax.SplatExpr, *hclsyntax.ForExpr, *hclsyntax.BinaryOpExpr,
			*hclsyntax.UnaryOpExpr, *hclsyntax.ConditionalExpr:
			if v, diags := e.(hclsyntax.Expression).Value(ctx); !diags.HasErrors() && v.ContainsMarked() {
				found = append(found, v)
			}
		}
		return nil
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		_ = hclsyntax.VisitAll(sb, visit)
	}
	for _, x := range exprs {
		if sx, ok := x.(hclsyntax.Expression); ok && sx != nil {
			_ = hclsyntax.VisitAll(sx, visit)
		}
	}
	if len(found) == 0 {
		return false
	}
	r.learn(found...)
	return true
}

// String redacts s: every learned secret, and a secret cut off by a
// step's truncation ("Bearer Zq9CANAR…") as far as its first minPrefixLen
// bytes.
func (r *redactor) String(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedText)
	}
	for _, secret := range r.secrets {
		s = redactCutOff(s, secret)
	}
	return s
}

// redactCutOff replaces a proper prefix of secret (at least minPrefixLen
// bytes) that ends where the text was cut: before "…" or "...", at the end
// of a line, or at the end of the text. Views show output line by line, so
// a prefix at a line's end is at the end of their text; redacting it at
// every line end gives the audit log and JSON, which keep output whole,
// exactly the redaction the views get (`cut -c1-18` of a secret on the
// host).
func redactCutOff(s, secret string) string {
	if len(secret) <= minPrefixLen {
		return s
	}
	for _, cut := range []string{" …", " ...", "…", "...", "\r\n", "\n"} {
		s = redactBefore(s, cut, secret)
	}
	if i := prefixEndingAt(s, len(s), secret); i >= 0 {
		s = s[:i] + redactedText
	}
	return s
}

// redactBefore redacts a prefix of secret right before each cut in s.
func redactBefore(s, cut, secret string) string {
	if !strings.Contains(s, cut) {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, cut)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		if j := prefixEndingAt(s, i, secret); j >= 0 {
			out.WriteString(s[:j] + redactedText)
		} else {
			out.WriteString(s[:i])
		}
		out.WriteString(cut)
		s = s[i+len(cut):]
	}
}

// prefixEndingAt returns where the longest proper prefix of secret (at
// least minPrefixLen bytes) that ends at s[end] starts, or -1. The last
// minPrefixLen bytes before end must occur in secret at all, a cheap test
// that spares the full search at almost every line end.
func prefixEndingAt(s string, end int, secret string) int {
	if end < minPrefixLen || !strings.Contains(secret[:len(secret)-1], s[end-minPrefixLen:end]) {
		return -1
	}
	for n := min(len(secret)-1, end); n >= minPrefixLen; n-- {
		if s[end-n:end] == secret[:n] {
			return end - n
		}
	}
	return -1
}

// Strings redacts each element of ss in place and returns it.
func (r *redactor) Strings(ss []string) []string {
	for i := range ss {
		ss[i] = r.String(ss[i])
	}
	return ss
}
