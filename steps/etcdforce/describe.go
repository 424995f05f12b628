package etcdforce

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Force{}

// Describe says how the member is restarted as a cluster of one, and
// when the step refuses.
func (Force) Describe(a steps.Args) steps.Description {
	return steps.Description{
		Summary: "makes the etcd member at " + a.Text("endpoint", "?") + " a cluster of one: restarts it once with --force-new-cluster, then normally",
		Details: []string{
			"stops it (" + a.Text("stop_command", "?") + "), starts it with " + a.Text("force_start_command", "?") + ", stops it again, starts it with " + a.Text("start_command", "?"),
			"refused while the cluster has quorum or another member answers; checks the same revision and key count after",
		},
	}
}
