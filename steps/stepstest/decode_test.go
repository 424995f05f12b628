package stepstest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// probe is a step type made for these tests: path is required, mode is
// checked by ValidateConfig.
type probe struct{}

type probeConfig struct {
	Path  string    `hcl:"path"`
	Mode  string    `hcl:"mode,optional"`
	Extra cty.Value `hcl:"extra,optional"`
}

func (probe) Name() string     { return "probe" }
func (probe) NewConfig() any   { return &probeConfig{} }
func (probe) Output() cty.Type { return cty.EmptyObject }
func (probe) Diagnose(context.Context, steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	return steps.DiagnoseResponse{}, nil
}
func (probe) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*probeConfig](config)
	if err != nil {
		return err
	}
	switch c.Mode {
	case "", "0644":
		return nil
	case "block":
		return steps.Errorf(steps.ClassConfig, "probe: refused as a whole")
	case "step":
		return errors.New("probe: refused, but not as a config error")
	}
	return steps.ArgErrorf("mode", "mode %q: want an octal string such as \"0644\"", c.Mode)
}

// TestDecodeTablePasses: the table the harness is for, every kind of row.
func TestDecodeTablePasses(t *testing.T) {
	DecodeTable(t, []DecodeCase{
		{Name: "all", Type: probe{}, Src: "path = \"/x\"\nmode = \"0644\"\nextra = var.e\n",
			Vars: Vars("var", map[string]cty.Value{"e": cty.StringVal("E")}),
			Want: &probeConfig{Path: "/x", Mode: "0644", Extra: cty.StringVal("E")}},
		{Name: "missing", Type: probe{}, Src: `mode = "0644"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "path" is required`}},
		{Name: "unknown", Type: probe{}, Src: "path = \"/x\"\n  colour = 1\n",
			WantDiags: []string{`2:3: Unsupported argument; An argument named "colour"`}},
		{Name: "argument refused", Type: probe{}, Src: "path = \"/x\"\nmode =  \"rw\"\n",
			Want:      &probeConfig{Path: "/x", Mode: "rw"},
			WantDiags: []string{`2:9: Invalid step argument; mode "rw": want an octal`}},
		{Name: "block refused", Type: probe{}, Src: "path = \"/x\"\nmode = \"block\"\n",
			WantDiags: []string{`1:1: Invalid step argument; probe: refused as a whole`}},
	}, ConfigRefusals)
	// Without ConfigRefusals a refusal's class is not looked at.
	DecodeTable(t, []DecodeCase{{Name: "any class", Type: probe{}, Src: "path = \"/x\"\nmode = \"step\"\n",
		WantDiags: []string{"1:1: Invalid step argument; probe: refused, but not"}}})
}

// TestDecodeTableCatchesMismatch: every way a row can be wrong is reported
// (the harness cannot pass a wrong table).
func TestDecodeTableCatchesMismatch(t *testing.T) {
	cases := []struct {
		name  string
		c     DecodeCase
		class bool
		want  string
	}{
		{"config differs", DecodeCase{Type: probe{}, Src: `path = "/x"`, Want: &probeConfig{Path: "/y"}}, false, "decoded config"},
		{"unexpected diagnostic", DecodeCase{Type: probe{}, Src: `mode = "0644"`}, false, "diagnostics:"},
		{"missing diagnostic", DecodeCase{Type: probe{}, Src: `path = "/x"`, WantDiags: []string{"1:1: Missing"}}, false, "diagnostics:"},
		{"wrong place", DecodeCase{Type: probe{}, Src: `mode = "0644"`, WantDiags: []string{"1:2: Missing required argument"}}, false, "diagnostic 0"},
		{"wrong text", DecodeCase{Type: probe{}, Src: `mode = "0644"`, WantDiags: []string{"1:1: Unsupported"}}, false, "diagnostic 0"},
		{"refusal not of class config", DecodeCase{Type: probe{}, Src: "path = \"/x\"\nmode = \"step\"\n",
			WantDiags: []string{"1:1: Invalid step argument; probe: refused, but not"}}, true, "ValidateConfig error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := checkDecode(tc.c, tc.class)
			if len(problems) != 1 || !strings.HasPrefix(problems[0], tc.want) {
				t.Errorf("problems = %q, want one starting %q", problems, tc.want)
			}
		})
	}
}

func TestMustDecode(t *testing.T) {
	c := MustDecode[*probeConfig](t, probe{}, `path = "/x"`, nil)
	if c.Path != "/x" {
		t.Errorf("path = %q", c.Path)
	}
}
