package etcdstatus

import (
	"fmt"

	"github.com/mend-sh/mend/steps"
)

var _ steps.Describer = Status{}

// Describe says which members are asked, how often, and what is slow.
func (Status) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "asks " + a.Text("endpoints", "?") + " over TLS from the host for health, leader and quorum, " +
		a.Text("samples", fmt.Sprint(DefaultSamples)) + " time(s) " + a.Text("interval", DefaultInterval.String()) +
		" apart; slower than " + a.Text("slow_threshold", DefaultSlowThreshold.String()) + " is slow, not dead"}
}
