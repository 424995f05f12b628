package runbooks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// Runbook is a parsed *.mend.hcl file. Steps are in
// source order, which is the order they run in. A Runbook returned with
// error diagnostics is for rendering those diagnostics only; it must not
// be run.
type Runbook struct {
	Filename string
	Source   []byte
	SHA256   string // hex digest of Source, recorded in plans and the audit log

	Title, Description string

	Variables []*Variable // source order
	Locals    []*Local    // evaluation order (see Local)
	Steps     []*Step     // source order (a stage's between_batches diagnoses after its steps)
	Stages    []*Stage    // source order

	// Files holds the parsed file (and any -var-file files EvalVariables
	// read) by name, for hcl.NewDiagnosticTextWriter.
	Files map[string]*hcl.File

	// parsed is set when the file parsed: Check has a tree to check.
	parsed bool
}

// Dir is the runbook's directory: file(), filebase64() and the file
// step's source resolve relative paths against it.
func (rb *Runbook) Dir() string { return filepath.Dir(rb.Filename) }

// LoadFile reads filename and calls Load. A read error is returned as a
// diagnostic without a subject.
func LoadFile(filename string) (*Runbook, hcl.Diagnostics) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read runbook",
			Detail:   fmt.Sprintf("Reading %s failed: %s.", filename, err),
		}}
	}
	return Load(filename, src)
}

// Load parses src as a runbook and decodes what the language owns:
// syntax, blocks, meta-arguments, variables, approval blocks, duplicate
// names. It knows no step types: references, types and each step's own
// arguments are checked by Check, which the engine runs with the step
// types' schemas (engine.Validate). Every problem found is reported; the
// returned Runbook is never nil. Callers must not run a runbook whose
// diagnostics (from Load or Check) have errors.
func Load(filename string, src []byte) (*Runbook, hcl.Diagnostics) {
	sum := sha256.Sum256(src)
	rb := &Runbook{Filename: filename, Source: src, SHA256: hex.EncodeToString(sum[:])}
	if d := CheckNesting(filename, src); d != nil {
		rb.Files = map[string]*hcl.File{filename: {Bytes: src}}
		return rb, hcl.Diagnostics{d}
	}
	parser := hclparse.NewParser()
	file, diags := parser.ParseHCL(src, filename)
	rb.Files = parser.Files()
	if diags.HasErrors() {
		// A file that does not parse yields only its syntax errors:
		// checks on a recovered, partial tree would mostly be noise.
		return rb, diags
	}
	diags = append(diags, heredocWarnings(file)...)
	content, moreDiags := file.Body.Content(runbookFileSchema)
	diags = append(diags, moreDiags...)
	diags = append(diags, rb.decodeBlocks(content.Blocks)...)
	rb.parsed = true
	return rb, diags
}

// decodeBlocks decodes the top-level blocks in source order.
func (rb *Runbook) decodeBlocks(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var runbookBlock *hcl.Block
	for _, block := range blocks {
		switch block.Type {
		case "runbook":
			if runbookBlock != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate runbook block",
					Detail:   fmt.Sprintf("A runbook has at most one runbook block; the first is at %s. Merge the two.", runbookBlock.DefRange),
					Subject:  block.DefRange.Ptr(),
				})
				continue
			}
			runbookBlock = block
			diags = append(diags, rb.decodeRunbookBlock(block)...)
		case "variable":
			v, vDiags := decodeVariableBlock(block)
			diags = append(diags, vDiags...)
			if v != nil {
				rb.Variables = append(rb.Variables, v)
			}
		case "locals":
			ls, lDiags := decodeLocalsBlock(block)
			diags = append(diags, lDiags...)
			rb.Locals = append(rb.Locals, ls...)
		case "stage":
			sg, sDiags := decodeStageBlock(block)
			diags = append(diags, sDiags...)
			rb.Stages = append(rb.Stages, sg)
			rb.Steps = append(rb.Steps, sg.Steps...)
			rb.Steps = append(rb.Steps, sg.BetweenBatches...)
		case "diagnose", "repair":
			s, sDiags := decodeStepBlock(block)
			diags = append(diags, sDiags...)
			if s != nil {
				rb.Steps = append(rb.Steps, s)
			}
		}
	}
	return diags
}

// decodeRunbookBlock reads the runbook block's title and description.
func (rb *Runbook) decodeRunbookBlock(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(runbookBlockSchema)
	if attr, ok := content.Attributes["title"]; ok {
		var d hcl.Diagnostics
		rb.Title, d = constString(attr.Expr, "title")
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["description"]; ok {
		var d hcl.Diagnostics
		rb.Description, d = constString(attr.Expr, "description")
		diags = append(diags, d...)
	}
	return diags
}

// Step returns the step with the given address ("repair.file.install_ca"),
// or nil. The CLI uses it to check --approve ADDR arguments.
func (rb *Runbook) Step(addr string) *Step {
	for _, s := range rb.Steps {
		if s.Address() == addr {
			return s
		}
	}
	return nil
}

// Variable returns the variable declared with name, or nil.
func (rb *Runbook) Variable(name string) *Variable {
	for _, v := range rb.Variables {
		if v.Name == name {
			return v
		}
	}
	return nil
}

var runbookFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "runbook"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "stage", LabelNames: []string{"name"}},
		{Type: "diagnose", LabelNames: []string{"type", "name"}},
		{Type: "repair", LabelNames: []string{"type", "name"}},
	},
}

var runbookBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"},
		{Name: "description"},
	},
}
