// Package runbooks is the mend runbook language: it parses *.mend.hcl
// files, decodes the blocks and meta-arguments the language owns, and checks
// a runbook statically before anything runs. It never executes a step,
// never dials a host and never prints.
//
// The entry point is Load (or LoadFile): it returns a *Runbook and every
// problem in the file as hcl.Diagnostics with source ranges. A runbook is
//
//	runbook  { title, description }                      (runbook.go)
//	variable "name" { type, default, sensitive, ... }     (variable.go, varvalues.go)
//	diagnose "<type>" "<name>" { <meta> <step config> }   (step.go)
//	repair   "<type>" "<name>" { <meta> <step config> }
//
// where the meta-arguments on, when, timeout, retry, on_failure, serial,
// approval and expect belong to the language (meta.go, approval.go,
// expect.go) and everything else in a step block is the step type's own
// config, kept as an hcl.Body for the engine to decode with gohcl. The
// static checks (references.go, typecheck.go, config.go) evaluate every
// expression in a scope where variables and step results are unknown values
// of their declared types (scope.go), so wrong types, unknown attributes and
// references to later steps are found before a host is touched.
//
// Evaluation scope, shared with the engine:
//
//   - var.<name>: the input variables (EvalVariables gives their values).
//   - diagnose.<type>.<name> and repair.<type>.<name>: an earlier step's
//     value, of type StepValueType. A reference to a later step, or to the
//     step itself, is an error.
//   - host: the current host (HostValueType), in every expression of a step
//     that has `on`, except `on` itself.
//   - self: the step's own result on the current host (SelfValueType),
//     only in expect blocks and in config arguments a step type keeps
//     unevaluated (hcl.Expression or hcl.Body fields, e.g. wait_until's
//     until), which it evaluates through steps.Evaluator.
//
// The inventory (inventory.go, inventory_host.go) is a separate file
// loaded with LoadInventory; Format (fmt.go) is the canonical formatter.
package runbooks
