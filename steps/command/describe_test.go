package command

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/zclconf/go-cty/cty"
)

func TestDescribe(t *testing.T) {
	secret := cty.ObjectVal(map[string]cty.Value{"token": cty.StringVal("s3cret-token").Mark("sensitive")})
	stepstest.DescribeTable(t, Diagnose{}, []stepstest.DescribeCase{
		{Name: "command", Src: `command = "systemctl is-active etcd"`, Want: steps.Description{Summary: "runs: systemctl is-active etcd"}},
		{Name: "args quoted", Src: `args = ["grep", "-c", "a b; rm -rf /"]`, Want: steps.Description{Summary: "runs: grep -c 'a b; rm -rf /'"}},
		{Name: "at run time", Src: `command = "cat ${diagnose.file_read.f.path}"`,
			Want: steps.Description{Summary: `runs: "cat ${diagnose.file_read.f.path}" (known at run time)`}},
	})
	stepstest.DescribeTable(t, Repair{}, []stepstest.DescribeCase{
		{Name: "guards and stdin", Src: `command = "make install"
stdin = "yes\n"
creates = "/usr/local/bin/x"
unless = "test -x /usr/local/bin/x"`, Want: steps.Description{Summary: "runs: make install",
			Details: []string{"with 4 B on stdin", "not when /usr/local/bin/x exists", "not when this exits 0: test -x /usr/local/bin/x"}}},
		{Name: "sensitive", Vars: map[string]cty.Value{"var": secret}, Src: `command = "login ${var.token}"`,
			Want: steps.Description{Summary: "runs: (sensitive)"}},
	})
}
