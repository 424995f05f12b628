package etcdrestore

import (
	"strings"

	"github.com/mend-sh/mend/steps"
)

var _ steps.Describer = Restore{}

// Describe says what the disaster recovery does, on which members, from
// which snapshot.
func (Restore) Describe(a steps.Args) steps.Description {
	return steps.Description{
		Summary: "restores etcd from snapshot " + a.Text("snapshot", "?") + " on " + a.Text("snapshot_host", "?") +
			" onto " + membersText(a) + " with new cluster token " + a.Text("token", "?"),
		Details: []string{
			"stops etcd on every member (" + a.Text("stop_command", "?") + ") and checks none still answers",
			"moves each member's data dir aside (never deletes it) and restores the snapshot into a new one",
			"starts every member (" + a.Text("start_command", "?") + ") and waits for a healthy cluster of exactly these members",
		},
	}
}

// membersText names the members when their names are known.
func membersText(a steps.Args) string {
	v, ok := a.Values["members"]
	if !ok || v.Sensitive || !v.Value.IsWhollyKnown() || v.Value.IsNull() || !v.Value.CanIterateElements() {
		return "the members " + a.Text("members", "?")
	}
	var names []string
	for it := v.Value.ElementIterator(); it.Next(); {
		_, m := it.Element()
		if m.Type().IsObjectType() && m.Type().HasAttribute("name") {
			names = append(names, steps.ValueText(m.GetAttr("name")))
		}
	}
	return "the members " + strings.Join(names, ", ")
}
