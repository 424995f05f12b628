package x509step_test

import (
	"context"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// inventory resolves host names to local hosts of that name: every "host"
// reads the real local file system, under the test's own directories.
type inventory map[string]steps.Host

func (inv inventory) Host(_ context.Context, name string) (steps.Host, error) {
	if h, ok := inv[name]; ok {
		return h, nil
	}
	return nil, steps.Errorf(steps.ClassConfig, "host %q is not in the inventory", name)
}

func newInventory(names ...string) inventory {
	inv := inventory{}
	for _, n := range names {
		inv[n] = local.Host{Name: n}
	}
	return inv
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
