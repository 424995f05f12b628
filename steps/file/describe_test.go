package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/zclconf/go-cty/cty"
)

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte(strings.Repeat("x", 2150)), 0o644); err != nil {
		t.Fatal(err)
	}
	secret := cty.ObjectVal(map[string]cty.Value{"pw": cty.StringVal("hunter2").Mark("sensitive")})
	stepstest.DescribeTable(t, Repair{}, []stepstest.DescribeCase{
		{Name: "local source", Dir: dir, Src: `path = "/etc/x"
mode = "0644"
source = "ca.pem"
backup = true`, Want: steps.Description{
			Summary: "writes /etc/x (mode 0644) from a 2.1 KiB local file ca.pem",
			Details: []string{"keeps the replaced content beside it as /etc/x.mend-backup-<unix time>"}}},
		{Name: "content known", Src: `path = "/etc/motd"
content = "hello\n"
owner = "root"`, Want: steps.Description{Summary: "writes /etc/motd (owner root) with 6 B of content given in the runbook"}},
		{Name: "content at run time", Src: `path = var.ca
content = "${diagnose.file_read.src.content}\n"`, Want: steps.Description{
			Summary: `writes var.ca (known at run time) with content "${diagnose.file_read.src.content}\n" (known at run time)`}},
		{Name: "sensitive content", Vars: map[string]cty.Value{"var": secret}, Src: `path = "/etc/pw"
content = var.pw`, Want: steps.Description{Summary: "writes /etc/pw with content (sensitive)"}},
		{Name: "missing source", Dir: dir, Src: `path = "/etc/x"
source = "nope.pem"`, Want: steps.Description{
			Summary: "writes /etc/x from local file nope.pem (cannot be read now: stat " + filepath.Join(dir, "nope.pem") + ": no such file or directory)"}},
	})
	stepstest.DescribeTable(t, Read{}, []stepstest.DescribeCase{
		{Name: "read", Src: `path = "/etc/hosts"`, Want: steps.Description{Summary: "reads /etc/hosts"}},
	})
}
