package command

import (
	"bytes"
	"fmt"
	"github.com/mend-sh/mend/internal/hostscript"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// MaxOutput is how many bytes of stdout and of stderr the output keeps;
// the rest is dropped and the summary details say so.
const MaxOutput = 1 << 20

// outputAttrs are the attributes both phases output:
//
//	exit_code  number   the command's exit status
//	stdout     string   standard output, at most MaxOutput bytes
//	stderr     string   standard error, at most MaxOutput bytes
//	json       any      stdout parsed as JSON when json = true, else null
//	ok         bool     exit_code is one of expect_exit
func outputAttrs() map[string]cty.Type {
	return map[string]cty.Type{
		"exit_code": cty.Number,
		"stdout":    cty.String,
		"stderr":    cty.String,
		"json":      cty.DynamicPseudoType,
		"ok":        cty.Bool,
	}
}

// result is a finished command, checked against its spec.
type result struct {
	exit     int
	stdout   string
	stderr   string
	json     cty.Value
	ok       bool
	details  []string
	jsonErr  error
	expected []int
	// secretOut and secretErr: stdout or stderr holds a secret (see
	// steps.ContainsSecret); the value is marked and never shown.
	secretOut, secretErr bool
}

// check builds the result of an ExecResult for sp.
func check(sp spec, r steps.ExecResult) result {
	res := result{exit: r.ExitCode, ok: slices.Contains(sp.expect, r.ExitCode), expected: sp.expect,
		json: cty.NullVal(cty.DynamicPseudoType), secretOut: sp.sensitive || steps.ContainsSecret(r.Stdout), secretErr: sp.sensitive || steps.ContainsSecret(r.Stderr)}
	var cut bool
	if res.stdout, cut = capText(r.Stdout); cut {
		res.details = append(res.details, truncated("stdout", len(r.Stdout)))
	}
	if res.stderr, cut = capText(r.Stderr); cut {
		res.details = append(res.details, truncated("stderr", len(r.Stderr)))
	}
	if sp.json {
		if res.json, res.jsonErr = parseJSON(r.Stdout); res.jsonErr != nil {
			res.jsonErr = fmt.Errorf("%w%s", res.jsonErr, res.jsonEvidence())
		}
	}
	switch {
	case sp.show && res.secretOut:
		res.details = append(res.details, "| "+hiddenText)
	case sp.show:
		res.details = append(res.details, shownLines(res.stdout)...)
	}
	if !res.ok {
		switch line := lastLine(res.stderr); {
		case res.secretErr:
			res.details = append(res.details, "stderr: "+hiddenText)
		case line != "":
			res.details = append(res.details, "stderr: "+line)
		}
	}
	return res
}

// hiddenText stands for output that holds a secret.
const hiddenText = "(output hidden: it holds a secret)"

// attrs are the output attributes of a result. Stdout holding a secret
// is marked steps.Sensitive, and so is json (parsed from it); stderr
// likewise. The engine then redacts them wherever they end up.
func (r result) attrs() map[string]cty.Value {
	attrs := map[string]cty.Value{
		"exit_code": cty.NumberIntVal(int64(r.exit)),
		"stdout":    cty.StringVal(r.stdout),
		"stderr":    cty.StringVal(r.stderr),
		"json":      r.json,
		"ok":        cty.BoolVal(r.ok),
	}
	if r.secretOut {
		attrs["stdout"] = steps.Sensitive(attrs["stdout"])
		attrs["json"] = steps.Sensitive(attrs["json"])
	}
	if r.secretErr {
		attrs["stderr"] = steps.Sensitive(attrs["stderr"])
	}
	return attrs
}

// summary is "exit 0", or "exit 3 (expected 0)" when the code is unexpected.
func (r result) summary() string {
	if r.ok {
		return fmt.Sprintf("exit %d", r.exit)
	}
	return fmt.Sprintf("exit %d (expected %s)", r.exit, expectedText(r.expected))
}

// err is the step's error: an unexpected exit code (class exit_status),
// else stdout that should have been JSON and was not (class step).
func (r result) err() error {
	if !r.ok {
		return steps.Errorf(steps.ClassExitStatus, "command exited %d, expected %s", r.exit, expectedText(r.expected))
	}
	if r.jsonErr != nil {
		return steps.Errorf(steps.ClassStep, "json = true but stdout is not JSON: %v", r.jsonErr)
	}
	return nil
}

// parseJSON turns JSON text into a cty value of the type it implies
// (objects, tuples, strings, numbers, bools).
func parseJSON(b []byte) (cty.Value, error) {
	null := cty.NullVal(cty.DynamicPseudoType)
	if len(bytes.TrimSpace(b)) == 0 {
		return null, fmt.Errorf("stdout is empty")
	}
	ty, err := ctyjson.ImpliedType(b)
	if err != nil {
		return null, err
	}
	v, err := ctyjson.Unmarshal(b, ty)
	if err != nil {
		return null, err
	}
	return v, nil
}

// capText returns b as valid UTF-8 text, cut to at most MaxOutput bytes on
// a rune boundary, and whether it was cut.
func capText(b []byte) (string, bool) {
	if len(b) <= MaxOutput {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	cut := MaxOutput
	for cut > MaxOutput-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strings.ToValidUTF8(string(b[:cut]), "\uFFFD"), true
}

func truncated(stream string, n int) string {
	return fmt.Sprintf("%s truncated to its first %d bytes (of at least %d; the transport may have cut it already)", stream, MaxOutput, n)
}

// jsonEvidence is what a failed JSON parse shows besides the parser's
// error: where stdout begins, and the last line of stderr (where the real
// cause usually is), each bounded to 200 bytes and hidden when it holds a
// secret. The views escape control bytes; the engine redacts secrets.
func (r result) jsonEvidence() string {
	var b strings.Builder
	if out := strings.TrimSpace(r.stdout); out != "" {
		if r.secretOut {
			b.WriteString("; stdout " + hiddenText)
		} else {
			b.WriteString("; stdout begins: " + excerpt(out))
		}
	}
	switch line := lastLine(r.stderr); {
	case r.secretErr && strings.TrimSpace(r.stderr) != "":
		b.WriteString("; stderr " + hiddenText)
	case line != "":
		b.WriteString("; stderr: " + line)
	default:
		b.WriteString("; stderr is empty")
	}
	return b.String()
}

// excerpt is the first line of s, at most 200 bytes.
func excerpt(s string) string {
	line, _, more := strings.Cut(s, "\n")
	if len(line) > 200 {
		line, more = strings.ToValidUTF8(line[:200], ""), true
	}
	if more {
		line += "…"
	}
	return line
}

// lastLine is the last non-empty line of s, at most 200 bytes.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	line := strings.TrimSpace(lines[len(lines)-1])
	if len(line) > 200 {
		line = strings.ToValidUTF8(line[:200], "") + "…"
	}
	return line
}

// ShowLines is how many lines of stdout show_output puts in a plan.
const ShowLines = 10

// shownLines are the first ShowLines lines of stdout, prefixed "| "
// (hostscript.ShowLines, which http_check's show_output uses too).
func shownLines(stdout string) []string { return hostscript.ShowLines(stdout, ShowLines) }
