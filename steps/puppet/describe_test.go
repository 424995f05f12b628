package puppet

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Agent{}, []stepstest.DescribeCase{
		{Name: "run default", Src: `action = "run"`, Want: steps.Description{Summary: "runs puppet: " + DefaultAgentCommand}},
		{Name: "disable", Src: `action = "disable"
reason = "INC-1: mend fixing the CA"`, Want: steps.Description{Summary: "disables the puppet agent (lock file " + DefaultLockfile + ") with reason: INC-1: mend fixing the CA"}},
		{Name: "enable", Src: `action = "enable"
lockfile = "/tmp/l"`, Want: steps.Description{Summary: "enables the puppet agent (removes /tmp/l)"}},
	})
	stepstest.DescribeTable(t, Noop{}, []stepstest.DescribeCase{
		{Name: "paths", Src: `paths = ["/a", "/b"]`, Want: steps.Description{Summary: "runs puppet in noop mode (" + DefaultNoopCommand + ") and reports whether it would change /a, /b"}},
	})
}
