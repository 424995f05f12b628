package etcdmember

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Member{}

// Describe says which membership change the repair makes, on which
// cluster, and under which rule.
func (Member) Describe(a steps.Args) steps.Description {
	var s string
	switch act, _ := a.String("action"); act {
	case ActionAddLearner:
		s = "adds " + a.Text("name", "?") + " (peer URLs " + a.Text("peer_urls", "?") + ") as a learner"
	case ActionAddVoter:
		s = "adds " + a.Text("name", "?") + " (peer URLs " + a.Text("peer_urls", "?") + ") as a voting member"
	case ActionPromote:
		s = "promotes learner " + a.Text("member", "?") + " to a voting member"
	case ActionRemove:
		s = "removes member " + a.Text("member", "?")
	default:
		s = "changes membership (action " + a.Text("action", "?") + ")"
	}
	d := steps.Description{Summary: s + " in the etcd cluster at " + a.Text("endpoints", "?")}
	if u, _ := a.Bool("allow_unsafe"); u {
		d.Details = append(d.Details, "allow_unsafe: the quorum arithmetic is overridden (a change needs quorum still)")
	} else {
		d.Details = append(d.Details, "refused, before anything changes, if it could lose quorum")
	}
	return d
}
