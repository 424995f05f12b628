// Command mend runs declarative remediation runbooks: validate, fmt, show,
// plan, apply, approve and audit. See README.md for the language and the commands.
package main
