// Command mend runs declarative remediation runbooks: validate, fmt, plan,
// apply and audit. See README.md for the language and the commands.
package main
