// Package views renders an engine.Run for people and programs: Text (in the
// manner of Terraform's plan: deterministic, colour only when asked),
// Markdown (for a pull-request comment) and JSON (versioned, see
// FormatVersion). A view never runs anything; the CLI picks one from
// -format and hands it the Run the engine returned.
package views
