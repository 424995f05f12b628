package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes, documented in README.md and stable.
const (
	exitOK      = 0 // success; for plan -detailed-exitcode: nothing to do
	exitError   = 1 // an error, a failed step, a refused gate, an invalid file
	exitPending = 2 // plan -detailed-exitcode: repairs are pending
	// exitInternal is a crash (a panic in mend): never 0 or 2, which a
	// caller of plan -detailed-exitcode would read as a result.
	exitInternal = 3
)

// app carries the process's streams; commands write only through it, so
// tests (testscript) run the real CLI in-process.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	code   int
	// stopProfile ends the CPU profile started by --cpuprofile.
	stopProfile func()
}

// errSilent is returned by a command that already reported its failure.
var errSilent = errors.New("silent")

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "Error: internal error (a bug in mend; please report it): %s\n%s",
				views.Clean(fmt.Sprint(p)), views.CleanBlock(string(debug.Stack())))
			code = exitInternal
		}
	}()
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(singleDashLongFlags(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if a.stopProfile != nil {
		a.stopProfile()
	}
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintf(stderr, "Error: %s\n", views.CleanBlock(err.Error()))
		}
		if a.code == exitOK {
			a.code = exitError
		}
	}
	return a.code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "mend",
		Short:         "Declarative remediation runbooks: diagnose, plan, apply with approval gates, audit",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("mend {{.Version}}\n")
	root.InitDefaultVersionFlag() // now, so that -version is known as a long flag
	a.addProfileFlag(root)
	root.AddCommand(a.validateCommand(), a.fmtCommand(), a.planCommand(), a.applyCommand(), a.approveCommand(), a.showCommand(), a.auditCommand(), a.versionCommand())
	return root
}

// colorFor reports whether output to w gets ANSI colour: only on a
// terminal, never with NO_COLOR set (https://no-color.org) or --no-color.
func colorFor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
