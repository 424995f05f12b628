package etcdsnapshot

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Snapshot{}

// Describe says from which member the snapshot is taken and where it is
// written (never over an existing file).
func (Snapshot) Describe(a steps.Args) steps.Description {
	from := "the first healthy follower (else the leader) of " + a.Text("endpoints", "?")
	if a.Has("member") {
		from = "member " + a.Text("member", "") + " of " + a.Text("endpoints", "?")
	}
	d := steps.Description{Summary: "saves a snapshot of etcd from " + from + " to a new file " + a.Text("path", "?") + " on the host"}
	if a.Has("local_path") {
		d.Details = append(d.Details, "and a copy to "+a.Text("local_path", "")+" on the machine running mend")
	}
	return d
}
