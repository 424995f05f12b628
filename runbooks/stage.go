package runbooks

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Stage is a `stage "NAME" { ... }` block: several steps that roll through
// the stage's hosts together. With Serial, every step runs on one batch of
// hosts before the next batch starts, and the BetweenBatches diagnoses
// must pass between batches. Its steps are also in Runbook.Steps (in
// order, with Stage set), so references and checks treat them like any
// step; the between-batches diagnoses follow them there.
type Stage struct {
	Name string
	// On is the stage's hosts (required); a step inside may narrow it with
	// its own `on`, which must name only hosts of the stage.
	On hcl.Expression
	// When is evaluated once per host before the stage starts; a host
	// where it is false is skipped by every step of the stage.
	When hcl.Expression
	// Serial is the batch size (0: all hosts in one batch); SerialPercent,
	// when set, is Serial as a percentage of the stage's hosts instead.
	Serial        int
	SerialPercent bool
	// MaxFailures is how many hosts of the stage may fail before the roll
	// stops (0: the first failure stops it); MaxFailuresPercent makes it a
	// percentage of the stage's hosts.
	MaxFailures        int
	MaxFailuresPercent bool
	// Barrier: each step runs on every host of the stage before any host
	// moves on, and a failure on any host stops every host.
	Barrier bool

	Steps          []*Step // in source order
	BetweenBatches []*Step // diagnoses run after every batch but the last

	DeclRange, NameRange hcl.Range
	// BetweenRange is the between_batches block's header, for diagnostics.
	BetweenRange *hcl.Range
	serialSet    bool // serial was written (even if invalid)
	// late holds serial and max_failures when written with variables,
	// decoded by Runbook.BindMeta.
	late []lateMeta
}

// metaArg decodes expr with set now when it is a constant, else keeps it
// for BindMeta (see Step.metaArg).
func (sg *Stage) metaArg(what string, expr hcl.Expression, set func(hcl.Expression) hcl.Diagnostics) hcl.Diagnostics {
	if len(expr.Variables()) == 0 {
		return set(expr)
	}
	sg.late = append(sg.late, lateMeta{what: what, expr: expr, ty: cty.DynamicPseudoType, set: set})
	return nil
}

// Address is "stage.NAME", as the audit log records it.
func (s *Stage) Address() string { return "stage." + s.Name }

// BatchSize is the number of hosts per batch for a stage of n hosts:
// all of them without serial, at least 1 for a percentage (rounded down,
// as Ansible's serial).
func (s *Stage) BatchSize(n int) int {
	size := s.Serial
	if s.SerialPercent {
		size = s.Serial * n / 100
		if size < 1 {
			size = 1
		}
	}
	if size <= 0 || size > n {
		return n
	}
	return size
}

// TooManyFailures reports whether failed hosts out of n exceed what
// max_failures allows.
func (s *Stage) TooManyFailures(failed, n int) bool {
	if s.MaxFailuresPercent {
		return failed*100 > s.MaxFailures*n
	}
	return failed > s.MaxFailures
}

// Describe is the stage's settings in one line, for plans: "serial 1,
// max_failures 0".
func (s *Stage) Describe() string {
	var parts []string
	switch {
	case s.SerialPercent:
		parts = append(parts, fmt.Sprintf("serial %d%%", s.Serial))
	case s.Serial > 0:
		parts = append(parts, fmt.Sprintf("serial %d", s.Serial))
	}
	if s.Barrier {
		parts = append(parts, "barrier")
	} else {
		parts = append(parts, "max_failures "+s.MaxFailuresText())
	}
	return strings.Join(parts, ", ")
}

// MaxFailuresText is max_failures as written: "2" or "25%".
func (s *Stage) MaxFailuresText() string {
	if s.MaxFailuresPercent {
		return fmt.Sprintf("%d%%", s.MaxFailures)
	}
	return strconv.Itoa(s.MaxFailures)
}

// decodeStageBlock decodes a stage and its steps.
func decodeStageBlock(block *hcl.Block) (*Stage, hcl.Diagnostics) {
	sg := &Stage{Name: block.Labels[0], DeclRange: block.DefRange, NameRange: block.LabelRanges[0]}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(sg.Name) {
		diags = append(diags, invalidName("stage", sg.Name, sg.NameRange))
	}
	content, d := block.Body.Content(stageSchema)
	diags = append(diags, d...)
	diags = append(diags, sg.decodeAttrs(content.Attributes)...)
	var between *hcl.Block
	for _, b := range content.Blocks {
		switch b.Type {
		case "diagnose", "repair":
			s, d := decodeStepBlock(b)
			diags = append(diags, d...)
			if s != nil {
				s.Stage = sg
				diags = append(diags, sg.checkStepMeta(s)...)
				sg.Steps = append(sg.Steps, s)
			}
		case "between_batches":
			if between != nil {
				diags = append(diags, duplicateBlock(b, between))
				continue
			}
			between = b
			sg.BetweenRange = b.DefRange.Ptr()
			diags = append(diags, sg.decodeBetween(b)...)
		case "stage":
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Nested stage",
				Detail:   fmt.Sprintf("Stages cannot be nested: stage %q is inside stage %q. Move it after this stage, or put its steps in this one.", b.Labels[0], sg.Name),
				Subject:  b.DefRange.Ptr(),
			})
		}
	}
	diags = append(diags, sg.checkShape()...)
	return sg, diags
}

func (sg *Stage) decodeAttrs(attrs hcl.Attributes) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := attrs["on"]; ok {
		sg.On = a.Expr
	}
	if a, ok := attrs["when"]; ok {
		sg.When = a.Expr
	}
	if a, ok := attrs["serial"]; ok {
		sg.serialSet = true
		diags = append(diags, sg.metaArg("serial value", a.Expr, func(e hcl.Expression) hcl.Diagnostics {
			var d hcl.Diagnostics
			sg.Serial, sg.SerialPercent, d = countOrPercent(e, "serial value", 1)
			return d
		})...)
	}
	if a, ok := attrs["max_failures"]; ok {
		diags = append(diags, sg.metaArg("max_failures value", a.Expr, func(e hcl.Expression) hcl.Diagnostics {
			var d hcl.Diagnostics
			sg.MaxFailures, sg.MaxFailuresPercent, d = countOrPercent(e, "max_failures value", 0)
			return d
		})...)
	}
	if a, ok := attrs["barrier"]; ok {
		var d hcl.Diagnostics
		sg.Barrier, d = constBool(a.Expr, "barrier argument")
		diags = append(diags, d...)
		if sg.Barrier {
			for _, other := range []string{"serial", "max_failures"} {
				if o, ok := attrs[other]; ok {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Conflicting stage arguments",
						Detail: fmt.Sprintf("A barrier stage runs each step on all its hosts at once and stops every host when one fails, so it takes no %s. "+
							"Remove %s, or remove barrier = true to roll in batches.", other, other),
						Subject: o.Expr.Range().Ptr(),
					})
				}
			}
		}
	}
	return diags
}

// countOrPercent reads a whole number (at least min) or a percentage
// string "N%" (1 to 100 for serial, 0 to 100 for max_failures).
func countOrPercent(expr hcl.Expression, what string, min int) (int, bool, hcl.Diagnostics) {
	v, diags := constValue(expr, what, cty.DynamicPseudoType)
	if v == cty.NilVal {
		return 0, false, diags
	}
	if v.Type() == cty.String {
		s := strings.TrimSpace(v.AsString())
		if p, ok := strings.CutSuffix(s, "%"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err == nil && n >= min && n <= 100 {
				return n, true, diags
			}
		}
		if n, err := strconv.Atoi(s); err == nil && n >= min {
			return n, false, diags
		}
		return 0, false, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid %s", what),
			Detail:   fmt.Sprintf("The %s must be %s, or a percentage of the stage's hosts from %d%% to 100%% (\"25%%\"); %q is neither.", what, wholeRange(min, math.MaxInt32), min, s),
			Subject:  expr.Range().Ptr(),
		})
	}
	n, _, d := constInt(expr, what, min, math.MaxInt32)
	return n, false, append(diags, d...)
}

// checkStepMeta refuses the meta-arguments a step cannot have inside a
// stage: the stage rolls its steps, so a step cannot roll on its own.
func (sg *Stage) checkStepMeta(s *Step) hcl.Diagnostics {
	if s.ForEach != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Step with for_each inside a stage",
			Detail:   fmt.Sprintf("Step %s is in stage %q, which runs its steps on the stage's hosts batch by batch; for_each is not supported there yet. Use the stage's on (and host.vars) to give each host its values, or move the step out of the stage.", s.Address(), sg.Name),
			Subject:  s.ForEach.Range().Ptr(),
		}}
	}
	if s.SerialRange == nil {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Serial inside a stage",
		Detail:   fmt.Sprintf("Step %s is in stage %q, which decides how its steps roll through the hosts. Set serial on the stage, not on the step.", s.Address(), sg.Name),
		Subject:  s.SerialRange,
	}}
}

// decodeBetween reads the between_batches block: diagnoses only.
func (sg *Stage) decodeBetween(b *hcl.Block) hcl.Diagnostics {
	content, diags := b.Body.Content(betweenSchema)
	for _, sb := range content.Blocks {
		s, d := decodeStepBlock(sb)
		diags = append(diags, d...)
		if s == nil {
			continue
		}
		if s.Phase == Repair {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Repair in between_batches",
				Detail:   "between_batches holds the checks that must pass before the next batch starts, so it takes only diagnose steps (typically wait_until on the service's health). Move the repair into the stage's steps.",
				Subject:  sb.DefRange.Ptr(),
			})
			continue
		}
		s.Stage, s.Between = sg, true
		diags = append(diags, sg.checkStepMeta(s)...)
		sg.BetweenBatches = append(sg.BetweenBatches, s)
	}
	return diags
}

// checkShape checks what the stage as a whole needs.
func (sg *Stage) checkShape() hcl.Diagnostics {
	var diags hcl.Diagnostics
	if sg.On == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing on in stage",
			Detail:   fmt.Sprintf("Stage %q needs on = <host, group or list of them>: a stage rolls its steps through those hosts.", sg.Name),
			Subject:  sg.DeclRange.Ptr(),
		})
	}
	if len(sg.Steps) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty stage",
			Detail:   fmt.Sprintf("Stage %q has no diagnose or repair steps. Add the steps it rolls, or remove it.", sg.Name),
			Subject:  sg.DeclRange.Ptr(),
		})
	}
	if sg.BetweenRange != nil && !sg.serialSet {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Between-batches checks without serial",
			Detail:   fmt.Sprintf("Stage %q has no serial, so it runs all its hosts in one batch and between_batches would never run. Set serial = 1 (or N, or \"N%%\") to roll in batches.", sg.Name),
			Subject:  sg.BetweenRange,
		})
	}
	return diags
}

var stageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "on"},
		{Name: "when"},
		{Name: "serial"},
		{Name: "max_failures"},
		{Name: "barrier"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "diagnose", LabelNames: []string{"type", "name"}},
		{Type: "repair", LabelNames: []string{"type", "name"}},
		{Type: "between_batches"},
		{Type: "stage", LabelNames: []string{"name"}},
	},
}

var betweenSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "diagnose", LabelNames: []string{"type", "name"}},
		{Type: "repair", LabelNames: []string{"type", "name"}},
	},
}

// checkStages checks stage names and the stages' on and when: they are
// evaluated before the stage's first step, so they may refer only to
// steps before the stage.
func (c *checker) checkStages() {
	seen := map[string]*Stage{}
	for _, sg := range c.rb.Stages {
		if first, dup := seen[sg.Name]; dup {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate stage",
				Detail:   fmt.Sprintf("A stage named %q was already declared at %s. Stage names must be unique: rename one.", sg.Name, first.DeclRange),
				Subject:  sg.NameRange.Ptr(),
			})
			continue
		}
		seen[sg.Name] = sg
		c.checkLate(sg.late)
		if len(sg.Steps) == 0 {
			continue
		}
		first := sg.Steps[0]
		idx, ok := c.stepIndex[first.Address()]
		if !ok {
			continue
		}
		sc := exprScope{step: first, index: idx, stageHead: sg}
		if sg.On != nil {
			c.checkOn(sg.On, sc)
		}
		if sg.When != nil {
			sc.host = true
			c.checkExpr(sg.When, sc, cty.Bool, "stage when condition")
		}
	}
}
