package file

import (
	"os"
	"strings"

	"github.com/mend-sh/mend/internal/localfile"
	"github.com/mend-sh/mend/steps"
)

var (
	_ steps.Describer = Repair{}
	_ steps.Describer = Read{}
)

// Describe says which file the repair writes, with what metadata and
// from what content: "writes /etc/x (mode 0644, owner root) from a 2.1
// KiB local file ca.pem". It reads only the size of a local source.
func (Repair) Describe(a steps.Args) steps.Description {
	var meta []string
	for _, name := range []string{"mode", "owner", "group"} {
		if a.Has(name) {
			meta = append(meta, name+" "+a.Text(name, ""))
		}
	}
	s := "writes " + a.Text("path", "?")
	if len(meta) > 0 {
		s += " (" + strings.Join(meta, ", ") + ")"
	}
	d := steps.Description{Summary: s + " " + contentText(a)}
	if b, _ := a.Bool("backup"); b {
		d.Details = append(d.Details, "keeps the replaced content beside it as "+a.Text("path", "?")+".mend-backup-<unix time>")
	}
	return d
}

// contentText says where the file's content comes from.
func contentText(a steps.Args) string {
	if src, ok := a.String("source"); ok {
		st, err := os.Stat(localfile.Path(a.Dir, src))
		if err != nil {
			return "from local file " + src + " (cannot be read now: " + err.Error() + ")"
		}
		return "from a " + steps.SizeText(st.Size()) + " local file " + src
	}
	if a.Has("source") {
		return "from local file " + a.Text("source", "")
	}
	if c, ok := a.String("content"); ok {
		return "with " + steps.SizeText(int64(len(c))) + " of content given in the runbook"
	}
	return "with content " + a.Text("content", "?")
}

// Describe says which file the diagnosis reads.
func (Read) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "reads " + a.Text("path", "?")}
}
