// Package runbooks is the mend runbook language: it parses *.mend.hcl
// files, decodes the blocks and meta-arguments the language owns, and checks
// a runbook statically before anything runs. It never executes a step,
// never dials a host and never prints.
//
// The language knows no step types and imports no step package. Load (or
// LoadFile) parses a file and decodes what the language owns; Check runs
// the static checks, given the step types' schemas as plain data
// (Schemas, schema.go), which the engine builds from its registry
// (engine.Validate, which also runs the checks that depend on how a step
// type behaves). Both return every problem as hcl.Diagnostics with source
// ranges. A runbook is
//
//	runbook  { title, description }                      (runbook.go)
//	variable "name" { type, default, sensitive, ... }     (variable.go)
//	diagnose "<type>" "<name>" { <meta> <step config> }   (step.go)
//	repair   "<type>" "<name>" { <meta> <step config> }
//
// where the meta-arguments on, when, timeout, on_failure, serial (meta.go)
// and the retry, approval and expect blocks (retry.go, approval.go,
// expect.go) belong to the language, and everything else in a step block
// is the step type's own config, kept as an hcl.Body for the engine to
// decode. The static checks (check.go) walk every reference
// (references.go), then evaluate each expression in a scope where
// variables and step results are unknown values of their declared types
// (typecheck.go, scope.go), and check step configs against the step
// type's schema (config.go), so wrong types, unknown attributes and
// references to later steps are found before a host is touched.
// Arguments read before anything runs must be constants (constant.go).
//
// Runbook.EvalVariables (varvalues.go, validation.go) computes the variables'
// values from -var and -var-file; Functions (funcs.go) is the function
// set both the validator and the engine use.
//
// Evaluation scope, shared with the engine:
//
//   - var.<name>: the input variables (EvalVariables gives their values).
//   - diagnose.<type>.<name> and repair.<type>.<name>: an earlier step's
//     value, of type StepValueType. A reference to a later step is an
//     error, and so is one to the step itself outside its expect blocks.
//   - host: the current host (HostValueType), in every expression of a step
//     that has `on`, except `on` itself.
//   - self: the step's own result on the current host (SelfValueType),
//     only in expect blocks and in config arguments a step type keeps
//     unevaluated (hcl.Expression or hcl.Body fields, e.g. wait_until's
//     until), which it evaluates through steps.Evaluator.
//
// The inventory (inventory*.go) is a separate file loaded with
// LoadInventory; Inventory.Resolve expands `on` names into hosts. Format
// and FormatFile (fmt.go) are the canonical formatter behind mend fmt.
package runbooks
