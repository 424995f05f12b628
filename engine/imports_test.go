package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces the architecture's one-way dependencies: the
// engine never imports a transport, the built-in step list or a concrete
// step type (the CLI wires them in), and the language package never
// executes anything and knows no step types: it imports no mend steps
// package at all (it is told their schemas as data, by Validate).
func TestImportRules(t *testing.T) {
	forbidden := map[string][]string{
		"github.com/mend-sh/mend/engine": {
			"github.com/mend-sh/mend/transport/", "github.com/mend-sh/mend/steps/", "github.com/mend-sh/mend/cmd/",
			"golang.org/x/crypto/ssh",
		},
		"github.com/mend-sh/mend/runbooks": {
			"github.com/mend-sh/mend/engine", "github.com/mend-sh/mend/transport/", "github.com/mend-sh/mend/steps",
			"github.com/mend-sh/mend/audit",
		},
		"github.com/mend-sh/mend/audit": {"github.com/"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == pkg {
				continue
			}
			for _, b := range bad {
				if strings.HasPrefix(dep, b) {
					t.Errorf("%s depends on %s (forbidden prefix %s)", pkg, dep, b)
				}
			}
		}
	}
}
