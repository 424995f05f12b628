package command

import (
	"fmt"
	"path"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// DiagnoseConfig is the arguments of a `diagnose "command"` block.
type DiagnoseConfig struct {
	// Command is a POSIX shell command line run on the host.
	Command string `hcl:"command,optional"`
	// Args is the other way to say what runs: a program and its
	// arguments, each passed as exactly one word, whatever it holds
	// (spaces, quotes, ;, $(...)); exclusive with Command. See argv.
	Args []string `hcl:"args,optional"`
	// ExpectExit is the set of exit codes that count as success; empty
	// means [0].
	ExpectExit []int `hcl:"expect_exit,optional"`
	// JSON parses stdout as JSON into the output attribute `json`.
	JSON bool `hcl:"json,optional"`
	// Stdin, when not empty, is fed to the command's standard input.
	Stdin string `hcl:"stdin,optional"`
	// ShowOutput puts up to ShowLines lines of stdout into the plan and
	// apply output, for a reviewer (default off: output often holds
	// timings that make plans differ from run to run, or data nobody
	// should paste into a pull request).
	ShowOutput bool `hcl:"show_output,optional"`
}

// RepairConfig is the arguments of a `repair "command"` block: those of
// DiagnoseConfig plus two guards. Guards are read-only checks by
// definition: plan runs them for real to decide whether the repair would
// run, so an `unless` command must not change anything.
type RepairConfig struct {
	Command    string   `hcl:"command,optional"`
	Args       []string `hcl:"args,optional"`
	ExpectExit []int    `hcl:"expect_exit,optional"`
	JSON       bool     `hcl:"json,optional"`
	Stdin      string   `hcl:"stdin,optional"`
	ShowOutput bool     `hcl:"show_output,optional"`
	// Creates is an absolute path; when it exists, the repair is a no-op.
	Creates string `hcl:"creates,optional"`
	// Unless is a command line; when it exits 0, the repair is a no-op.
	Unless string `hcl:"unless,optional"`
}

// spec is what running the command needs, whatever the phase.
type spec struct {
	command string
	expect  []int
	json    bool
	stdin   string
	show    bool
	// sensitive: the command line derives from a secret, so what it
	// prints may be the secret transformed; treat its output as secret.
	sensitive bool
}

func (c *DiagnoseConfig) spec() spec {
	return spec{command: commandLine(c.Command, c.Args), expect: expected(c.ExpectExit), json: c.JSON, stdin: c.Stdin, show: c.ShowOutput}
}

func (c *RepairConfig) spec() spec {
	return spec{command: commandLine(c.Command, c.Args), expect: expected(c.ExpectExit), json: c.JSON, stdin: c.Stdin, show: c.ShowOutput}
}

// expected applies the default exit code set [0].
func expected(codes []int) []int {
	if len(codes) == 0 {
		return []int{0}
	}
	return codes
}

// commandLine is what runs: command as written, or args as one command
// line of quoted words. SSH cannot run an argv without a shell: the exec
// request is one string, which the login shell on the host parses. So
// each element is quoted with internal/shell.Quote (mend's one quoting
// rule), which makes it exactly one word whose value is the element, for
// any POSIX sh; what an element holds is never parsed as shell code.
func commandLine(command string, args []string) string {
	if len(args) == 0 {
		return command
	}
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = shell.Quote(a)
	}
	return strings.Join(words, " ")
}

// validateSpec checks the arguments both phases share.
func validateSpec(command string, args []string, codes []int) error {
	switch {
	case command != "" && args != nil:
		return steps.ArgErrorf("args", "set command (a shell command line) or args (a program and its arguments), not both")
	case args != nil:
		if len(args) == 0 || args[0] == "" {
			return steps.ArgErrorf("args", "args must start with the program to run, e.g. [\"systemctl\", \"restart\", var.unit]")
		}
		for i, a := range args {
			if strings.IndexByte(a, 0) >= 0 {
				return steps.ArgErrorf("args", "args[%d] holds a NUL byte, which no command line can carry", i)
			}
		}
	case strings.TrimSpace(command) == "":
		if command == "" {
			return steps.Errorf(steps.ClassConfig, "set command (a shell command line) or args (a program and its arguments, each passed as one word)")
		}
		return steps.ArgErrorf("command", "command must not be empty")
	}
	for _, c := range codes {
		if c < 0 || c > 255 {
			return steps.ArgErrorf("expect_exit", "expect_exit: %d is not an exit status (0 to 255)", c)
		}
	}
	return nil
}

// validateGuards checks the repair's creates and unless arguments.
func validateGuards(c *RepairConfig) error {
	if c.Creates != "" && !path.IsAbs(c.Creates) {
		return steps.Errorf(steps.ClassConfig, "creates must be an absolute path, got %q", c.Creates)
	}
	if c.Unless != "" && strings.TrimSpace(c.Unless) == "" {
		return steps.Errorf(steps.ClassConfig, "unless must be a command, got only spaces")
	}
	return nil
}

// expectedText renders an exit code set: "0", "0 or 2", "0, 1 or 2".
func expectedText(codes []int) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprint(c)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
