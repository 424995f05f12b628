// Package assert holds the diagnose type assert (Type): a runbook's own
// predicate, such as "the two fingerprints are equal", written as an HCL
// condition over earlier steps' results. When the condition is false the
// step fails with class steps.ClassExpectation and the runbook's message,
// which halts the run like a false expect block.
package assert
