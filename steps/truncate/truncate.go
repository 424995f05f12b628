package truncate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `repair "file_truncate"` step type.
type Type struct{}

var (
	_ steps.Repairer  = Type{}
	_ steps.Validator = Type{}
)

// Name returns "file_truncate".
func (Type) Name() string { return "file_truncate" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

// Dangerous returns true: emptying a file loses its content, so every
// use needs an approval block.
func (Type) Dangerous() bool { return true }

var holderType = cty.Object(map[string]cty.Type{"pid": cty.Number, "process": cty.String})

// Output is an object:
//
//	real_path    the file the path resolves to
//	size_before  its size when checked
//	size_after   its size right after truncation (a writer may already have added to it)
//	tail_path    where the kept tail is ("" when none was kept)
//	tail_bytes   how many bytes were kept
//	holders      list of { pid, process } holding the file open
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{"real_path": cty.String, "size_before": cty.Number, "size_after": cty.Number,
		"tail_path": cty.String, "tail_bytes": cty.Number, "holders": cty.List(holderType)})
}

// ValidateConfig checks the path, the prefixes and keep_tail_bytes.
func (Type) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	return c.validate()
}

// Plan inspects the file (read-only) and previews: its size, who holds
// it, what is kept. An empty file is a no-op.
func (Type) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	c, t, err := check(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if t.size == 0 {
		return steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: t.real + " is already empty"}, Output: output(t, 0, "", 0)}, nil
	}
	unknown := cty.UnknownVal(cty.Number)
	out := output(t, 0, tailPath(c, t), 0).AsValueMap()
	out["size_after"], out["tail_bytes"] = unknown, unknown
	return steps.PlanResponse{Action: steps.Change, Preview: preview(c, t), Output: cty.ObjectVal(out)}, nil
}

// Apply inspects the file again, reads the tail to keep, truncates the
// file if it is still the same inode, and writes the tail beside it.
func (Type) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	c, t, err := check(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if t.size == 0 {
		return steps.ApplyResponse{Output: output(t, 0, "", 0), Summary: t.real + " is already empty"}, nil
	}
	var tail []byte
	if c.KeepTailBytes > 0 {
		if tail, err = readTail(ctx, req.Host, t, c.KeepTailBytes); err != nil {
			return steps.ApplyResponse{}, err
		}
	}
	after, err := truncate(ctx, req.Host, t)
	if err != nil {
		return steps.ApplyResponse{Changed: true}, err
	}
	tp := ""
	if c.KeepTailBytes > 0 {
		tp = tailPath(c, t)
		if _, err := req.Host.WriteFile(ctx, steps.WriteFileRequest{Path: tp, Content: tail, Mode: 0o600}); err != nil {
			return steps.ApplyResponse{Changed: true, Output: output(t, after, "", 0)},
				fmt.Errorf("file_truncate: %s was emptied, but keeping its tail in %s failed: %w", t.real, tp, err)
		}
	}
	summary := fmt.Sprintf("emptied %s (%s -> %s)", t.real, hostscript.Bytes(t.size), hostscript.Bytes(after))
	if tp != "" {
		summary += fmt.Sprintf("; kept its last %s in %s", hostscript.Bytes(int64(len(tail))), tp)
	}
	return steps.ApplyResponse{Changed: true, Output: output(t, after, tp, len(tail)), Summary: summary}, nil
}

// check decodes the config and inspects the file.
func check(ctx context.Context, config any, host steps.Host) (*Config, target, error) {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return nil, target{}, err
	}
	if err := c.validate(); err != nil {
		return nil, target{}, err
	}
	t, err := inspect(ctx, host, c)
	if err != nil {
		return nil, target{}, err
	}
	if !t.exists {
		return nil, target{}, steps.Errorf(steps.ClassStep, "file_truncate: %s does not exist", c.Path)
	}
	return c, t, nil
}

func tailPath(c *Config, t target) string {
	if c.KeepTailBytes == 0 {
		return ""
	}
	return t.real + TailSuffix
}

// preview says what apply would do, for the reviewer and the gate.
func preview(c *Config, t target) steps.Preview {
	held := "held open by no process"
	if len(t.holders) > 0 {
		var hs []string
		for _, h := range t.holders {
			hs = append(hs, fmt.Sprintf("%s pid %d", h.process, h.pid))
		}
		held = "held open by " + strings.Join(hs, ", ")
	}
	p := steps.Preview{
		Summary: fmt.Sprintf("empty %s in place (%s now, %s)", t.real, hostscript.Bytes(t.size), held),
		Command: "truncate -s 0 -- " + shell.Quote(t.real),
		Changes: []string{fmt.Sprintf("size %d -> 0 bytes", t.size)},
	}
	if c.KeepTailBytes > 0 {
		p.Changes = append(p.Changes, fmt.Sprintf("keep its last %s in %s (read before, written after emptying)", hostscript.Bytes(min(int64(c.KeepTailBytes), t.size)), tailPath(c, t)))
	} else {
		p.Changes = append(p.Changes, "keep nothing of it (keep_tail_bytes = 0)")
	}
	if t.real != c.Path {
		p.Changes = append(p.Changes, fmt.Sprintf("%s is a link to %s", c.Path, t.real))
	}
	if t.links > 1 {
		p.Changes = append(p.Changes, fmt.Sprintf("the file has %d names: all of them are emptied", t.links))
	}
	return p
}

func output(t target, after int64, tail string, tailBytes int) cty.Value {
	var hs []cty.Value
	for _, h := range t.holders {
		hs = append(hs, cty.ObjectVal(map[string]cty.Value{"pid": cty.NumberIntVal(h.pid), "process": cty.StringVal(h.process)}))
	}
	holders := cty.ListValEmpty(holderType)
	if len(hs) > 0 {
		holders = cty.ListVal(hs)
	}
	return cty.ObjectVal(map[string]cty.Value{"real_path": cty.StringVal(t.real), "size_before": cty.NumberIntVal(t.size),
		"size_after": cty.NumberIntVal(after), "tail_path": cty.StringVal(tail), "tail_bytes": cty.NumberIntVal(int64(tailBytes)), "holders": holders})
}

// sameFile is the start of the scripts that act on the file: the path,
// then the inode inspect saw, which must still be the path's.
const sameFile = `IFS= read -r p || exit 90
IFS= read -r ino || exit 90
export LC_ALL=C
[ "$(stat -L -c %i -- "$p")" = "$ino" ] || { echo "the file changed since it was checked (another inode); nothing done" >&2; exit 4; }
`

// readTail reads the last n bytes of the file.
func readTail(ctx context.Context, host steps.Host, t target, n int) ([]byte, error) {
	r, err := hostscript.Run(ctx, host, sameFile+`IFS= read -r n || exit 90
exec tail -c "$n" -- "$p"`, t.real, strconv.FormatInt(t.inode, 10), strconv.Itoa(n))
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, r.Failed("file_truncate: reading the tail of " + t.real + " (nothing was emptied)")
	}
	return r.Stdout, nil
}

// truncate empties the file and returns its size right after.
func truncate(ctx context.Context, host steps.Host, t target) (int64, error) {
	r, err := hostscript.Run(ctx, host, sameFile+`truncate -s 0 -- "$p" || exit 5
stat -L -c %s -- "$p"`, t.real, strconv.FormatInt(t.inode, 10))
	if err != nil {
		return 0, err
	}
	if r.ExitCode != 0 {
		return 0, r.Failed("file_truncate: emptying " + t.real)
	}
	after, err := strconv.ParseInt(strings.TrimSpace(string(r.Stdout)), 10, 64)
	if err != nil {
		return 0, steps.Errorf(steps.ClassStep, "file_truncate: %s was emptied, but its size after reads %q", t.real, hostscript.Text(r.Stdout, 40))
	}
	return after, nil
}
