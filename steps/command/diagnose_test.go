package command

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// diagnosed is what a test compares after Diagnose.
type diagnosed struct {
	Output  string // the output rendered by GoString, to compare cty values
	Summary string
	Details []string
	Class   steps.ErrorClass
}

func TestDiagnose(t *testing.T) {
	tests := []struct {
		name string
		cfg  DiagnoseConfig
		want diagnosed
	}{
		{name: "exit 0 with stdout",
			cfg: DiagnoseConfig{Command: "echo hello; echo warn >&2"},
			want: diagnosed{Output: outputOf(0, "hello\n", "warn\n", cty.NullVal(cty.DynamicPseudoType), true),
				Summary: "exit 0"}},
		{name: "unexpected exit is an exit_status error with the output",
			cfg: DiagnoseConfig{Command: "echo partial; echo 'etcd: no leader' >&2; exit 3"},
			want: diagnosed{Output: outputOf(3, "partial\n", "etcd: no leader\n", cty.NullVal(cty.DynamicPseudoType), false),
				Summary: "exit 3 (expected 0)", Details: []string{"stderr: etcd: no leader"}, Class: steps.ClassExitStatus}},
		{name: "expected non-zero exit",
			cfg: DiagnoseConfig{Command: "exit 2", ExpectExit: []int{0, 2}},
			want: diagnosed{Output: outputOf(2, "", "", cty.NullVal(cty.DynamicPseudoType), true),
				Summary: "exit 2"}},
		{name: "exit outside a set of three",
			cfg: DiagnoseConfig{Command: "exit 5", ExpectExit: []int{0, 1, 2}},
			want: diagnosed{Output: outputOf(5, "", "", cty.NullVal(cty.DynamicPseudoType), false),
				Summary: "exit 5 (expected 0, 1 or 2)", Class: steps.ClassExitStatus}},
		{name: "json parsed into an object",
			cfg: DiagnoseConfig{Command: `echo '{"health": true, "members": ["a", "b"], "took": 1.5}'`, JSON: true},
			want: diagnosed{Output: outputOf(0, `{"health": true, "members": ["a", "b"], "took": 1.5}`+"\n", "",
				cty.ObjectVal(map[string]cty.Value{
					"health":  cty.True,
					"members": cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
					"took":    cty.NumberFloatVal(1.5),
				}), true),
				Summary: "exit 0"}},
		{name: "json that is not JSON is a step error",
			cfg: DiagnoseConfig{Command: "echo not json", JSON: true},
			want: diagnosed{Output: outputOf(0, "not json\n", "", cty.NullVal(cty.DynamicPseudoType), true),
				Summary: "exit 0", Class: steps.ClassStep}},
		{name: "stdin is fed",
			cfg: DiagnoseConfig{Command: "wc -l", Stdin: "a\nb\n"},
			want: diagnosed{Output: outputOf(0, "2\n", "", cty.NullVal(cty.DynamicPseudoType), true),
				Summary: "exit 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := Diagnose{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &tt.cfg, Host: local.Host{}})
			assertConforms(t, Diagnose{}.Output(), resp.Output)
			got := diagnosed{Output: resp.Output.GoString(), Summary: resp.Summary, Details: resp.Details, Class: steps.Classify(err)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Diagnose(%q) (-want +got):\n%s\nerror: %v", tt.cfg.Command, diff, err)
			}
		})
	}
}

func TestDiagnoseCapsOutput(t *testing.T) {
	cfg := DiagnoseConfig{Command: "head -c 1100000 /dev/zero | tr '\\0' x"}
	resp, err := Diagnose{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: local.Host{}})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if got := len(resp.Output.GetAttr("stdout").AsString()); got != MaxOutput {
		t.Errorf("stdout kept %d bytes, want %d", got, MaxOutput)
	}
	want := []string{"stdout truncated to its first 1048576 bytes (of at least 1100000; the transport may have cut it already)"}
	if diff := cmp.Diff(want, resp.Details); diff != "" {
		t.Errorf("Details (-want +got):\n%s", diff)
	}
}

// TestDiagnoseTimeoutKillsCommand proves the step's deadline ends the
// command: Diagnose returns a timeout error quickly and no output.
func TestDiagnoseTimeoutKillsCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	pidFile := t.TempDir() + "/pid"
	cfg := DiagnoseConfig{Command: "sleep 30 & echo $! > " + pidFile + "; wait"}
	start := time.Now()
	resp, err := Diagnose{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &cfg, Host: local.Host{KillGrace: 100 * time.Millisecond}})
	if steps.Classify(err) != steps.ClassTimeout {
		t.Fatalf("Diagnose error = %v (%s), want class timeout", err, steps.Classify(err))
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Diagnose returned after %v", elapsed)
	}
	if resp.Output != cty.NilVal {
		t.Errorf("Output = %#v, want none", resp.Output)
	}
	assertGone(t, pidFile)
}

func outputOf(exit int, stdout, stderr string, json cty.Value, ok bool) string {
	return outputVal(exit, stdout, stderr, json, ok).GoString()
}

func outputVal(exit int, stdout, stderr string, json cty.Value, ok bool) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"exit_code": cty.NumberIntVal(int64(exit)),
		"stdout":    cty.StringVal(stdout),
		"stderr":    cty.StringVal(stderr),
		"json":      json,
		"ok":        cty.BoolVal(ok),
	})
}

func assertConforms(t *testing.T, ty cty.Type, v cty.Value) {
	t.Helper()
	if v == cty.NilVal {
		t.Fatal("no output")
	}
	if errs := v.Type().TestConformance(ty); len(errs) > 0 {
		t.Errorf("output %#v does not conform to %#v: %v", v, ty, errs)
	}
	if strings.Contains(v.GoString(), "cty.NilVal") {
		t.Errorf("output holds a NilVal: %#v", v)
	}
}
