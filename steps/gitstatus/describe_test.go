package gitstatus

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "fetch", Src: `path = "/srv/puppet"
remote_ref = "origin/production"
fetch = true`, Want: steps.Description{Summary: "reads the git checkout at /srv/puppet: branch, dirty files, ahead/behind origin/production",
			Details: []string{"runs git fetch first (updates remote-tracking refs, never the working tree)"}}},
		{Name: "upstream", Src: `path = "/srv/x"`, Want: steps.Description{Summary: "reads the git checkout at /srv/x: branch, dirty files, ahead/behind its upstream"}},
	})
}
