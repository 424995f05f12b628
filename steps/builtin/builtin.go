package builtin

import (
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/assert"
	"github.com/mend-sh/mend/steps/clock"
	"github.com/mend-sh/mend/steps/command"
	"github.com/mend-sh/mend/steps/disk"
	"github.com/mend-sh/mend/steps/etcdforce"
	"github.com/mend-sh/mend/steps/etcdmaintain"
	"github.com/mend-sh/mend/steps/etcdmember"
	"github.com/mend-sh/mend/steps/etcdrestore"
	"github.com/mend-sh/mend/steps/etcdsnapshot"
	"github.com/mend-sh/mend/steps/etcdstatus"
	"github.com/mend-sh/mend/steps/file"
	"github.com/mend-sh/mend/steps/gitstatus"
	"github.com/mend-sh/mend/steps/httpcheck"
	"github.com/mend-sh/mend/steps/keymatch"
	"github.com/mend-sh/mend/steps/listening"
	"github.com/mend-sh/mend/steps/logsearch"
	"github.com/mend-sh/mend/steps/process"
	"github.com/mend-sh/mend/steps/puppet"
	"github.com/mend-sh/mend/steps/service"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/mend-sh/mend/steps/truncate"
	"github.com/mend-sh/mend/steps/wait"
	"github.com/mend-sh/mend/steps/x509"
)

// Registry returns a new registry of every built-in step type.
func Registry() *steps.Registry {
	var reg *steps.Registry
	// wait_until wraps any other diagnose type; it looks them up in the
	// registry it is part of, once that exists.
	waitUntil := wait.New(func(name string) steps.Diagnoser { return reg.Diagnoser(name) })
	reg = steps.NewRegistry(
		[]steps.Diagnoser{
			command.Diagnose{},
			file.Read{},
			x509step.Inspect{},
			x509step.Compare{},
			tlsprobe.Probe{},
			etcdstatus.Status{},
			httpcheck.Type{},
			service.Status{},
			puppet.Noop{},
			assert.Type{},
			disk.Type{},
			process.Type{},
			listening.Type{},
			logsearch.Type{},
			keymatch.Type{},
			gitstatus.Type{},
			clock.Type{},
			waitUntil,
		},
		[]steps.Repairer{
			command.Repair{},
			file.Repair{},
			service.Repair{},
			puppet.Agent{},
			etcdmember.Member{},
			etcdsnapshot.Snapshot{},
			etcdrestore.Restore{},
			etcdmaintain.Maintain{},
			etcdforce.Force{},
			truncate.Type{},
		},
	)
	return reg
}
