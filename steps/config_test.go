package steps_test

import (
	"testing"

	"github.com/mend-sh/mend/steps"
)

type demoConfig struct{ Path string }

func TestConfigAs(t *testing.T) {
	want := &demoConfig{Path: "/etc/hosts"}
	got, err := steps.ConfigAs[*demoConfig](want)
	if err != nil || got != want {
		t.Fatalf("ConfigAs(*demoConfig) = %v, %v; want the same pointer, nil", got, err)
	}
	var nilConfig *demoConfig
	for name, in := range map[string]any{"nil": nil, "typed nil": nilConfig, "other type": &struct{}{}, "value, not pointer": demoConfig{}} {
		t.Run(name, func(t *testing.T) {
			got, err := steps.ConfigAs[*demoConfig](in)
			if err == nil || got != nil {
				t.Fatalf("ConfigAs(%T) = %v, %v; want nil and an error", in, got, err)
			}
			if c := steps.Classify(err); c != steps.ClassInternal {
				t.Errorf("class %q, want %q", c, steps.ClassInternal)
			}
		})
	}
}
