package x509step_test

import (
	"context"
	"testing"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// TestHostless: both types say they may run without `on` (the validator
// then accepts them), and do run with no target host when their
// arguments name the hosts.
func TestHostless(t *testing.T) {
	dir := t.TempDir()
	ca := certstest.WriteFile(t, dir, "ca.pem", certstest.NewCA(t, "Puppet CA: lab").PEM())
	inv := newInventory("master", "etcd")
	tests := []struct {
		name   string
		typ    steps.Diagnoser
		config any
	}{
		{"x509_compare", x509step.Compare{}, &x509step.CompareConfig{A: ref("master", ca), B: ref("etcd", ca)}},
		{"x509_inspect", x509step.Inspect{}, &x509step.InspectConfig{Host: "master", Path: ca}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := tt.typ.(steps.Hostless)
			if !ok || !h.Hostless() {
				t.Fatalf("%s does not declare itself hostless", tt.name)
			}
			resp, err := tt.typ.Diagnose(context.Background(), steps.DiagnoseRequest{Config: tt.config, Hosts: inv})
			if err != nil || resp.Output == cty.NilVal {
				t.Errorf("Diagnose without a target host: %v", err)
			}
		})
	}
}
