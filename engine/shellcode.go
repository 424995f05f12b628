package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// checkShellCode warns, before anything runs, where an argument that runs
// as shell code on the host (steps.ShellCoder: command's command, the
// etcd repairs' stop_command, and those of a wait_until's check) puts a
// value into its command line as is: a variable, a step result, each, the
// host or the inventory, or a local holding one. Such a value holding a
// space, ;, $(...) or a quote changes what runs. A value wrapped in
// shellquote() is one word; one wrapped in rawshell() is meant to be shell
// code; a number or bool variable, a value that only chooses (a
// condition, an index, a function returning a number or bool) and a
// constant local cannot inject anything. An argument that is one
// reference as a whole (command = var.cmd) is a command line by the
// author's choice and not warned about, except a local, whose own
// definition is checked as the command line it is. Each place is
// reported once, at its own line and column.
func checkShellCode(rb *runbooks.Runbook, reg *steps.Registry) hcl.Diagnostics {
	s := &shellScan{rb: rb, reg: reg, locals: map[string]*runbooks.Local{}, taint: map[string]bool{}, seen: map[hcl.Pos]bool{}}
	for _, l := range rb.Locals {
		s.locals[l.Name] = l
	}
	for _, st := range rb.Steps {
		body, ok := st.Config.(*hclsyntax.Body)
		if t := stepType(reg, st); t != nil && ok {
			s.body(st, t, body)
		}
	}
	return s.diags
}

// shellScan is the state of checkShellCode: the runbook's locals, whether
// each is tainted (holds an unquoted value; memoized), and the places
// already reported.
type shellScan struct {
	rb     *runbooks.Runbook
	reg    *steps.Registry
	locals map[string]*runbooks.Local
	taint  map[string]bool
	seen   map[hcl.Pos]bool
	diags  hcl.Diagnostics
}

// body checks t's shell-code arguments in body, and the nested step of a
// steps.Nester (wait_until's check block).
func (s *shellScan) body(st *runbooks.Step, t steps.Type, body *hclsyntax.Body) {
	if c, ok := t.(steps.ShellCoder); ok {
		for _, name := range c.ShellArgs() {
			if a := body.Attributes[name]; a != nil {
				s.command(shellArg{st, t, name, ""}, a.Expr, map[string]bool{})
			}
		}
	}
	n, ok := t.(steps.Nester)
	if !ok {
		return
	}
	for _, b := range body.Blocks {
		if b.Type != n.NestedBlock() || len(b.Labels) != 1 {
			continue
		}
		if inner := s.reg.Lookup(steps.Diagnose, b.Labels[0]); inner != nil {
			s.body(st, inner, b.Body)
		}
	}
}

// shellArg is a shell-code argument: step st's (of type t) argument
// name, reached through local.<through> when not empty.
type shellArg struct {
	st      *runbooks.Step
	t       steps.Type
	name    string
	through string
}

// command checks expr, the whole value of the shell-code argument a.
// via holds the locals it came through (a cycle guard).
func (s *shellScan) command(a shellArg, expr hcl.Expression, via map[string]bool) {
	e := unwrap(expr)
	if tr, ok := e.(*hclsyntax.ScopeTraversalExpr); ok {
		l := s.local(tr.Traversal)
		if l == nil || via[l.Name] {
			return // the whole command line is this value: shell code by choice
		}
		via[l.Name] = true
		a.through = l.Name
		s.command(a, l.Expr, via)
		return
	}
	for _, tr := range s.unquoted(e, nil) {
		s.report(a, tr)
	}
}

// unwrap strips parentheses and a template that is one interpolation.
func unwrap(expr hcl.Expression) hcl.Expression {
	for {
		switch e := expr.(type) {
		case *hclsyntax.ParenthesesExpr:
			expr = e.Expression
		case *hclsyntax.TemplateWrapExpr:
			expr = e.Wrapped
		default:
			return expr
		}
	}
}

// unquoted lists the references whose values reach expr's string as is.
// bound maps the names a for expression binds to their collections.
func (s *shellScan) unquoted(expr hcl.Expression, bound map[string]hcl.Expression) []*hclsyntax.ScopeTraversalExpr {
	var out []*hclsyntax.ScopeTraversalExpr
	walk := func(es ...hclsyntax.Expression) {
		for _, e := range es {
			if e != nil {
				out = append(out, s.unquoted(e, bound)...)
			}
		}
	}
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if coll, ok := bound[e.Traversal.RootName()]; ok {
			out = append(out, s.unquoted(coll, bound)...)
		} else if !s.safeRef(e.Traversal) {
			out = append(out, e)
		}
	case *hclsyntax.FunctionCallExpr:
		if !quoting[e.Name] && !choosing[e.Name] {
			walk(e.Args...)
		}
	case *hclsyntax.ConditionalExpr:
		walk(e.TrueResult, e.FalseResult)
	case *hclsyntax.TemplateExpr:
		walk(e.Parts...)
	case *hclsyntax.TemplateWrapExpr:
		walk(e.Wrapped)
	case *hclsyntax.TemplateJoinExpr:
		walk(e.Tuple)
	case *hclsyntax.ParenthesesExpr:
		walk(e.Expression)
	case *hclsyntax.IndexExpr:
		walk(e.Collection)
	case *hclsyntax.RelativeTraversalExpr:
		walk(e.Source)
	case *hclsyntax.SplatExpr:
		walk(e.Source)
	case *hclsyntax.TupleConsExpr:
		walk(e.Exprs...)
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			walk(it.ValueExpr)
		}
	case *hclsyntax.ForExpr:
		inner := map[string]hcl.Expression{}
		for k, v := range bound {
			inner[k] = v
		}
		for _, name := range []string{e.KeyVar, e.ValVar} {
			if name != "" {
				inner[name] = e.CollExpr
			}
		}
		for _, x := range []hclsyntax.Expression{e.KeyExpr, e.ValExpr} {
			if x != nil {
				out = append(out, s.unquoted(x, inner)...)
			}
		}
	case *hclsyntax.LiteralValueExpr, *hclsyntax.BinaryOpExpr, *hclsyntax.UnaryOpExpr:
		// a constant, or a number or bool
	case hclsyntax.Node:
		_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
			if tr, ok := n.(*hclsyntax.ScopeTraversalExpr); ok && !s.safeRef(tr.Traversal) {
				out = append(out, tr)
			}
			return nil
		})
	}
	return out
}

// quoting are the functions whose result is safe in a command line:
// shellquote quotes, rawshell says the value is meant to be shell code.
var quoting = map[string]bool{"shellquote": true, "rawshell": true}

// choosing are functions whose result is a number or a bool, which cannot
// change a command line's words.
var choosing = map[string]bool{
	"length": true, "tonumber": true, "parseint": true, "tobool": true, "can": true,
	"contains": true, "startswith": true, "endswith": true, "strcontains": true, "strlen": true,
	"max": true, "min": true, "abs": true, "ceil": true, "floor": true, "signum": true, "sum": true,
	"alltrue": true, "anytrue": true, "timecmp": true,
}

// safeRef reports whether tr's value cannot inject shell code: a variable
// declared number or bool, or a local whose value holds nothing unquoted.
func (s *shellScan) safeRef(tr hcl.Traversal) bool {
	switch tr.RootName() {
	case "var":
		v := s.rb.Variable(attrName(tr))
		return v != nil && len(tr) == 2 && (v.Type == cty.Number || v.Type == cty.Bool)
	case "local":
		l := s.local(tr)
		return l != nil && !s.tainted(l)
	}
	return false
}

// tainted reports whether local l's value holds an unquoted reference
// (memoized; a local being decided counts as clean, which only a cycle,
// refused by the language, can reach).
func (s *shellScan) tainted(l *runbooks.Local) bool {
	if t, ok := s.taint[l.Name]; ok {
		return t
	}
	s.taint[l.Name] = false
	t := len(s.unquoted(l.Expr, nil)) > 0
	s.taint[l.Name] = t
	return t
}

// local is the local tr refers to, or nil.
func (s *shellScan) local(tr hcl.Traversal) *runbooks.Local {
	if tr.RootName() != "local" {
		return nil
	}
	return s.locals[attrName(tr)]
}

// attrName is the name after the root (var.NAME, local.NAME), or "".
func attrName(tr hcl.Traversal) string {
	if len(tr) < 2 {
		return ""
	}
	if a, ok := tr[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// report warns about one unquoted reference, once per place.
func (s *shellScan) report(a shellArg, ref *hclsyntax.ScopeTraversalExpr) {
	at := ref.SrcRange
	if s.seen[at.Start] {
		return
	}
	s.seen[at.Start] = true
	text := s.source(at)
	fix := fmt.Sprintf("wrap it in shellquote(%s)", text)
	if a.name == "command" && a.through == "" && hasArg(a.t, "args") {
		fix += " or use args = [...]"
	}
	what := a.st.Address() + "'s " + a.name
	if a.through != "" {
		what += ", which is local." + a.through + ","
	}
	s.diags = append(s.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Unquoted value in a shell command",
		Detail: fmt.Sprintf("%s:%d:%d: %s runs as shell code on the host, and %s goes into it as is: "+
			"a value holding a space, ;, | or $(...) would change what runs. Fix: %s. "+
			"If the value is meant to be shell code, say so: rawshell(%s).",
			at.Filename, at.Start.Line, at.Start.Column, what, text, fix, text),
		Subject: at.Ptr(),
	})
}

// source is the text of rng in its file, or a placeholder.
func (s *shellScan) source(rng hcl.Range) string {
	f := s.rb.Files[rng.Filename]
	if f == nil || rng.End.Byte > len(f.Bytes) || rng.Start.Byte > rng.End.Byte {
		return "the value"
	}
	return string(f.Bytes[rng.Start.Byte:rng.End.Byte])
}

// hasArg reports whether t's config has an argument name.
func hasArg(t steps.Type, name string) bool {
	sc, err := configSchema(t)
	return err == nil && sc != nil && sc.Attribute(name) != nil
}
