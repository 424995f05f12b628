package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
)

// TestExamplesValidate loads every *.mend.hcl under examples/ with the
// built-in step types: runbooks must validate without a warning (none
// puts a value unquoted into a shell command), files named
// inventory*.mend.hcl must load as inventories, and all must be formatted
// as `mend fmt` would.
func TestExamplesValidate(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	var n int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".mend.hcl") {
			return err
		}
		n++
		t.Run(strings.TrimPrefix(path, root+string(filepath.Separator)), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(filepath.Base(path), "inventory") {
				if _, diags := runbooks.LoadInventory(path, src); diags.HasErrors() {
					t.Errorf("inventory: %s", diags.Error())
				}
			} else if rb, diags := runbooks.Load(path, src); diags.HasErrors() {
				t.Errorf("runbook: %s", diags.Error())
			} else if diags := engine.Validate(rb, builtin.Registry()); len(diags) > 0 {
				t.Errorf("runbook: %s", diags.Error()) // a warning too: an example shows how it is done
			}
			if out, _ := runbooks.FormatFile(path, src); !bytes.Equal(out, src) {
				t.Errorf("not formatted: run mend fmt -w %s", path)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no examples found")
	}
}
