package etcdmaintain

import (
	"strings"

	"github.com/mend-sh/mend/steps"
)

var _ steps.Describer = Maintain{}

// Describe lists the maintenance the repair does, in its order.
func (Maintain) Describe(a steps.Args) steps.Description {
	var parts []string
	on := func(name string) bool {
		v, ok := a.Bool(name)
		return ok && v || !a.Has(name)
	}
	if on("compact") {
		parts = append(parts, "compacts the key history to the current revision (history is dropped for good)")
	}
	if on("defrag") {
		parts = append(parts, "defragments the members one at a time, followers before the leader")
	}
	if on("disarm") {
		parts = append(parts, "disarms the NOSPACE alarms")
	}
	if len(parts) == 0 {
		parts = append(parts, "does no maintenance (compact, defrag and disarm are all off or known at run time)")
	}
	return steps.Description{Summary: strings.Join(parts, ", then ") + ", on the etcd cluster at " + a.Text("endpoints", "?")}
}
