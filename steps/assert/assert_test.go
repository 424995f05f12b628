package assert_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/assert"
	"github.com/mend-sh/mend/steps/stepstest"
)

// decode decodes an assert block body as the engine does, with earlier
// results in scope as diagnose.*.
func decode(t *testing.T, src string) *assert.Config {
	t.Helper()
	return stepstest.MustDecode[*assert.Config](t, assert.Type{}, src, stepstest.Vars("diagnose", map[string]cty.Value{
		"a": cty.ObjectVal(map[string]cty.Value{"fp": cty.StringVal("AA:BB")}),
		"b": cty.ObjectVal(map[string]cty.Value{"fp": cty.StringVal("CC:DD")}),
	}))
}

func TestDiagnose(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantOK    bool
		wantClass steps.ErrorClass
		wantErr   string
	}{
		{
			name:   "true",
			src:    `condition = diagnose.a.fp != diagnose.b.fp` + "\n" + `message = "same"`,
			wantOK: true,
		},
		{
			name:      "false",
			src:       `condition = diagnose.a.fp == diagnose.b.fp` + "\n" + `message = "etcd serves another CA"`,
			wantClass: steps.ClassExpectation,
			wantErr:   "assertion failed: etcd serves another CA",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := assert.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: decode(t, tt.src)})
			got := resp.Output.GetAttr("ok").True()
			if got != tt.wantOK {
				t.Errorf("ok = %v, want %v", got, tt.wantOK)
			}
			if diff := cmp.Diff(tt.wantClass, steps.Classify(err)); diff != "" {
				t.Errorf("class (-want +got):\n%s", diff)
			}
			if err != nil && err.Error() != tt.wantErr {
				t.Errorf("error = %q, want %q", err, tt.wantErr)
			}
			if !resp.Output.Type().Equals(assert.Type{}.Output()) {
				t.Errorf("output type %#v does not match Output()", resp.Output.Type())
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	err := assert.Type{}.ValidateConfig(&assert.Config{Condition: true, Message: "  "})
	if steps.Classify(err) != steps.ClassConfig {
		t.Errorf("empty message: got %v, want a config error", err)
	}
	if err := (assert.Type{}).ValidateConfig(&assert.Config{Message: "x"}); err != nil {
		t.Errorf("valid config: %v", err)
	}
}

// TestHostless: assert declares it needs no `on`, and runs without a host.
func TestHostless(t *testing.T) {
	var typ steps.Diagnoser = assert.Type{}
	if h, ok := typ.(steps.Hostless); !ok || !h.Hostless() {
		t.Fatal("assert does not declare itself hostless")
	}
	resp, err := typ.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &assert.Config{Condition: true, Message: "m"}})
	if err != nil || !resp.Output.GetAttr("ok").True() {
		t.Errorf("Diagnose without a host = %#v, %v", resp.Output, err)
	}
}
