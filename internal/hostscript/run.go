package hostscript

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// Result is a finished script: its exit code and output.
type Result struct {
	ExitCode int
	Stdout   []byte
	Stderr   []byte
}

// Run runs script on host (through sudo when the inventory says so) with
// args on its standard input, one per line. An argument holding a
// newline or NUL is an error of class config, and so is a nil host. A
// transport error or ctx done is returned as is; a non-zero exit is not
// an error (the caller decides what the code means).
func Run(ctx context.Context, host steps.Host, script string, args ...string) (Result, error) {
	if host == nil {
		return Result{}, steps.Errorf(steps.ClassConfig, "the step needs a host (set `on`)")
	}
	var stdin strings.Builder
	for i, a := range args {
		if strings.ContainsAny(a, "\n\x00") {
			return Result{}, steps.Errorf(steps.ClassConfig, "argument %d (%.40q) holds a newline or NUL byte, which no path or pattern here may hold", i+1, a)
		}
		stdin.WriteString(a)
		stdin.WriteByte('\n')
	}
	r, err := host.Exec(ctx, steps.ExecRequest{Command: script, Stdin: []byte(stdin.String())})
	if err != nil {
		return Result{}, err
	}
	return Result{ExitCode: r.ExitCode, Stdout: r.Stdout, Stderr: r.Stderr}, nil
}

// Failed is the error for a script that exited with an unexpected code:
// class exit_status, naming what was being done and the last line of
// stderr.
func (r Result) Failed(doing string) error {
	msg := LastLine(r.Stderr, 200)
	if msg == "" {
		msg = "no message"
	}
	return steps.Errorf(steps.ClassExitStatus, "%s: exit %d: %s", doing, r.ExitCode, msg)
}

// Bytes renders a byte count for humans: "0 B", "512 B", "4.0 KiB", "1.5 GiB".
func Bytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n) / 1024
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
