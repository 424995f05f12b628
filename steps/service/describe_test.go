package service

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Repair{}, []stepstest.DescribeCase{
		{Name: "restart", Src: `name = "etcd"
action = "restart"
stable_for = "3s"`, Want: steps.Description{Summary: "restarts service etcd (systemd), then checks it came back as a new instance and stays up 3s"}},
		{Name: "stop runit", Src: `name = "etcd"
action = "stop"
supervisor = "runit"
svdir = "/run/sv"`, Want: steps.Description{Summary: "stops service etcd (runit, /run/sv), then checks it is down within 30s"}},
		{Name: "name at run time", Src: `name = var.svc
action = "reload"`, Want: steps.Description{Summary: "reloads service var.svc (known at run time) (systemd), then checks it is running and stays up 5s"}},
	})
	stepstest.DescribeTable(t, Status{}, []stepstest.DescribeCase{
		{Name: "status", Src: `name = "nginx"`, Want: steps.Description{Summary: "reads the state of service nginx (systemd)"}},
	})
}
