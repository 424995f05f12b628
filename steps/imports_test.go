package steps_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/mend-sh/mend"

// TestStepImportRules enforces the step contract's boundaries on non-test
// code: the contract package (steps) imports no other mend package; a step
// type package (steps/<type>) reaches no mend package but steps and
// internal/... (never another step type, a transport, the engine, the
// language or the CLI: what step types share lives in internal/); and no
// internal package reaches a step type. steps/builtin, the registry list,
// is the one package that imports every step type.
func TestStepImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/steps/...", module+"/internal/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module+"/")
		for _, dep := range fields[1:] {
			if !strings.HasPrefix(dep, module+"/") {
				continue
			}
			dep = strings.TrimPrefix(dep, module+"/")
			if why := forbidden(pkg, dep); why != "" {
				t.Errorf("%s depends on %s: %s", pkg, dep, why)
			}
		}
	}
}

// forbidden says why pkg may not depend on dep (both relative to the
// module), or "" when it may.
func forbidden(pkg, dep string) string {
	isStepType := func(p string) bool { return strings.HasPrefix(p, "steps/") && p != "steps/builtin" }
	switch {
	case pkg == "steps":
		return "the step contract imports no other mend package"
	case pkg == "steps/builtin":
		if dep != "steps" && !isStepType(dep) && !strings.HasPrefix(dep, "internal/") {
			return "the registry list imports only steps and step types"
		}
	case isStepType(pkg):
		if dep != "steps" && !strings.HasPrefix(dep, "internal/") {
			return "a step type imports only steps and internal/... (shared code belongs in internal/)"
		}
	case strings.HasPrefix(pkg, "internal/"):
		if isStepType(dep) || dep == "steps/builtin" {
			return "internal packages are shared by step types and never import one"
		}
	}
	return ""
}
