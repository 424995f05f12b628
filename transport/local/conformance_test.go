package local

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

// TestHostConformance: the local host keeps the steps.Host and
// MutableHost contract, as the SSH transport and the engine's wrappers do.
func TestHostConformance(t *testing.T) {
	stepstest.HostConformance(t, stepstest.Subject{
		Host: func(t *testing.T) steps.Host { return Host{} },
		Dir:  func(t *testing.T) string { return t.TempDir() },
	})
}
