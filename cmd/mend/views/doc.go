// Package views renders what the CLI shows. The entry point is New: the
// CLI turns -format into a View once and from then on only calls it, for
// the engine's hook while a run goes (View.Hook) and for the finished run
// (View.Run). The implementations are Text (in the manner of Terraform's
// plan: deterministic, colour only when asked), Markdown (for a
// pull-request comment) and JSON (versioned, see FormatVersion); adding a
// format is one type and one line in New. Diagnostics renders HCL
// diagnostics and AuditRun a run of the audit log. A view never runs
// anything, and every byte that came from a host or a file is shown
// through Clean.
package views
