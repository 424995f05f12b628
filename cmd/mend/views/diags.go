package views

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/mitchellh/go-wordwrap"
	"github.com/zclconf/go-cty/cty"
)

// Bounds on what diagnostics print, so that a hostile or broken file (one
// 20 KB line of '@', 64 KiB of NUL bytes) gets a short, clear report
// instead of gigabytes: each file gets at most MaxDiagsPerFile
// diagnostics, then one line "and N more"; a quoted source line shows at
// most quoteWidth bytes around what it points at; a summary or detail at
// most maxDiagText bytes.
const (
	MaxDiagsPerFile = 10
	quoteWidth      = 120
	maxDiagText     = 1000
)

// Diagnostics renders HCL diagnostics as HCL does ("Error: Summary", then
// "on FILE line N, in BLOCK:" with the source line, then the detail),
// with every byte from the file or the message passed through Clean, and
// within the bounds above.
type Diagnostics struct {
	W     io.Writer
	Files map[string]*hcl.File
	Color bool
}

// Write prints diags (nothing when there are none).
func (v Diagnostics) Write(diags hcl.Diagnostics) {
	shown := map[string]int{}
	more := map[string]int{}
	var order []string
	for _, d := range diags {
		file := ""
		if d.Subject != nil {
			file = d.Subject.Filename
		}
		if shown[file] >= MaxDiagsPerFile {
			if more[file] == 0 {
				order = append(order, file)
			}
			more[file]++
			continue
		}
		shown[file]++
		v.one(d)
	}
	for _, file := range order {
		where := "in " + Clean(file)
		if file == "" {
			where = "without a source location"
		}
		fmt.Fprintf(v.W, "... and %d more diagnostics %s (only the first %d are shown).\n\n", more[file], where, MaxDiagsPerFile)
	}
}

func (v Diagnostics) paint(code, s string) string {
	if !v.Color || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (v Diagnostics) one(d *hcl.Diagnostic) {
	severity, code := "Error", "31"
	if d.Severity == hcl.DiagWarning {
		severity, code = "Warning", "33"
	}
	fmt.Fprintf(v.W, "%s: %s\n\n", v.paint(code, severity), Clean(cut(d.Summary, maxDiagText)))
	if d.Subject != nil {
		v.source(d)
	}
	if d.Detail != "" {
		detail := wordwrap.WrapString(cut(d.Detail, maxDiagText), 100)
		fmt.Fprintf(v.W, "%s\n\n", CleanBlock(detail))
	}
}

// source prints where a diagnostic points: the file and line, the block
// it is in, the quoted line(s) and the values of the expression's
// variables.
func (v Diagnostics) source(d *hcl.Diagnostic) {
	subj := *d.Subject
	file := v.Files[subj.Filename]
	if file == nil || file.Bytes == nil || subj.Start.Byte > len(file.Bytes) {
		fmt.Fprintf(v.W, "  on %s line %d:\n  (source code not available)\n\n", Clean(subj.Filename), subj.Start.Line)
		return
	}
	context := ""
	if cs, ok := file.Nav.(interface{ ContextString(int) string }); ok {
		if c := cs.ContextString(subj.Start.Byte); c != "" {
			context = ", in " + Clean(cut(c, quoteWidth))
		}
	}
	fmt.Fprintf(v.W, "  on %s line %d%s:\n", Clean(subj.Filename), subj.Start.Line, context)
	src := file.Bytes
	snip := subj
	if d.Context != nil {
		snip = hcl.RangeOver(snip, *d.Context)
	}
	// Quote the subject's first line, and the lines of its context up to
	// three in all: enough to see it, never the whole file.
	start := lineStart(src, min(snip.Start.Byte, subj.Start.Byte))
	line := subj.Start.Line - bytes.Count(src[start:subj.Start.Byte], []byte("\n"))
	last := max(snip.End.Byte, subj.Start.Byte)
	for n := 0; n < 3; n++ {
		end := len(src)
		if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
			end = start + i
		}
		fmt.Fprintf(v.W, "%4d: %s\n", line, v.quote(src, start, end, subj))
		if end >= last || end == len(src) {
			break
		}
		start, line = end+1, line+1
	}
	fmt.Fprintln(v.W)
	v.values(d)
}

// quote is one source line (src[start:end]), cut to quoteWidth bytes
// around the part subj highlights, cleaned, the highlight underlined when
// colour is on.
func (v Diagnostics) quote(src []byte, start, end int, subj hcl.Range) string {
	hs := max(start, min(subj.Start.Byte, end))
	he := max(hs, min(subj.End.Byte, end))
	from := runeStart(src, max(start, hs-quoteWidth/4))
	to := end
	if to-from > quoteWidth {
		to = runeStart(src, from+quoteWidth)
	}
	hs, he = min(max(hs, from), to), min(max(he, from), to)
	pre, post := "", ""
	if from > start {
		pre = "…"
	}
	if to < end {
		post = "…"
	}
	hl := Clean(string(src[hs:he]))
	if he > hs {
		hl = v.paint("1;4", hl)
	}
	return pre + Clean(string(src[from:hs])) + hl + Clean(string(src[he:to])) + post
}

// runeStart moves i back to the start of the UTF-8 sequence it is in.
func runeStart(src []byte, i int) int {
	for n := 0; n < utf8.UTFMax-1 && i > 0 && i < len(src) && !utf8.RuneStart(src[i]); n++ {
		i--
	}
	return i
}

// values says what the variables of an evaluated expression held ("with
// var.x as "a""), as HCL does; sensitive (marked) values are never shown.
func (v Diagnostics) values(d *hcl.Diagnostic) {
	if d.Expression == nil || d.EvalContext == nil {
		return
	}
	var stmts []string
	seen := map[string]bool{}
	for _, tr := range d.Expression.Variables() {
		val, diags := tr.TraverseAbs(d.EvalContext)
		name := traversalString(tr)
		if diags.HasErrors() || seen[name] || !val.IsKnown() || val.ContainsMarked() {
			continue
		}
		seen[name] = true
		stmts = append(stmts, name+" as "+valueString(val))
	}
	if len(stmts) == 0 {
		return
	}
	sort.Strings(stmts)
	fmt.Fprintf(v.W, "with %s.\n\n", Clean(strings.Join(stmts, ",\n     ")))
}

func traversalString(tr hcl.Traversal) string {
	var b strings.Builder
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().IsPrimitiveType() && s.Key.IsKnown() && !s.Key.IsNull() {
				b.WriteString("[" + valueString(s.Key) + "]")
			} else {
				b.WriteString("[...]")
			}
		}
	}
	return b.String()
}

func valueString(v cty.Value) string {
	ty := v.Type()
	switch {
	case v.IsNull():
		return "null"
	case ty == cty.Bool:
		return fmt.Sprint(v.True())
	case ty == cty.Number:
		return v.AsBigFloat().Text('g', 10)
	case ty == cty.String:
		return fmt.Sprintf("%q", cut(v.AsString(), 80))
	case ty.IsCollectionType() || ty.IsTupleType():
		return fmt.Sprintf("%s with %d elements", ty.FriendlyName(), v.LengthInt())
	case ty.IsObjectType():
		return fmt.Sprintf("object with %d attributes", len(ty.AttributeTypes()))
	}
	return ty.FriendlyName()
}

// lineStart is the offset of the first byte of the line holding src[at].
func lineStart(src []byte, at int) int {
	at = min(at, len(src))
	return bytes.LastIndexByte(src[:at], '\n') + 1
}

// cut shortens s to at most n bytes (on a rune boundary), marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return s[:n] + "…"
}
