package disk

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which filesystems are measured and what is scanned.
func (Type) Describe(a steps.Args) steps.Description {
	s := "measures free space and inodes of every mount"
	if a.Has("path") {
		s = "measures free space and inodes of the mount holding " + a.Text("path", "")
	}
	d := steps.Description{Summary: s}
	if a.Has("largest") {
		d.Details = append(d.Details, "lists the "+a.Text("top", "10")+" largest entries under "+a.Text("largest", "")+", "+a.Text("depth", "3")+" levels deep")
	}
	if on, _ := a.Bool("deleted_open"); on {
		d.Details = append(d.Details, "lists deleted files still held open by a process")
	}
	return d
}
