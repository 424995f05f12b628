package file

import (
	"fmt"

	"github.com/mend-sh/mend/steps"
)

// newFileMode is the mode a new file gets when the config gives none.
const newFileMode = 0o644

// desired is the state a file repair asks for.
type desired struct {
	path         string
	content      []byte
	sum          string // hex sha256 of content
	mode         uint32 // 0: keep the current mode
	owner, group string // "": keep the current one
	backup       bool
}

// desiredOf turns a validated config into the desired state.
func desiredOf(c *Config) (desired, error) {
	mode, err := parseMode(c.Mode)
	if err != nil {
		return desired{}, err
	}
	content, sum, err := contentOf(c)
	if err != nil {
		return desired{}, err
	}
	return desired{path: c.Path, content: content, sum: sum, mode: mode, owner: c.Owner, group: c.Group, backup: c.Backup}, nil
}

// contentOf is the desired content and its hex sha256: content's string,
// or the bytes of the local file source (read once while unchanged, see
// sourceCache).
func contentOf(c *Config) ([]byte, string, error) {
	if c.Content != nil {
		b := []byte(*c.Content)
		return b, sha256Hex(b), nil
	}
	b, sum, err := sourceCache.read(c.Source)
	if err != nil {
		return nil, "", steps.ArgErrorf("source", "%v", err)
	}
	return b, sum, nil
}

// request is the WriteFile request that reaches the desired state.
func (d desired) request() steps.WriteFileRequest {
	return steps.WriteFileRequest{Path: d.path, Content: d.content, SHA256: d.sum, Mode: goMode(d.mode), Owner: d.owner, Group: d.group, Backup: d.backup}
}

// delta is how a file on a host differs from the desired state. Each
// [2] pair is {current, desired} and is equal when that part is unchanged.
type delta struct {
	create  bool
	content bool
	mode    [2]uint32
	owner   [2]string
	group   [2]string
}

// compare finds what must change to turn cur into d: content by digest.
func compare(cur steps.FileDigest, d desired) delta {
	if !cur.Exists {
		mode := d.mode
		if mode == 0 {
			mode = newFileMode
		}
		return delta{create: true, content: true, mode: [2]uint32{0, mode}, owner: [2]string{"", d.owner}, group: [2]string{"", d.group}}
	}
	x := delta{content: cur.SHA256 != d.sum}
	x.mode = [2]uint32{unixMode(cur.Mode), unixMode(cur.Mode)}
	if d.mode != 0 {
		x.mode[1] = d.mode
	}
	x.owner = [2]string{cur.Owner, pick(d.owner, cur.Owner)}
	x.group = [2]string{cur.Group, pick(d.group, cur.Group)}
	return x
}

// none reports whether the file is already converged.
func (x delta) none() bool {
	return !x.create && !x.content && x.mode[0] == x.mode[1] && x.owner[0] == x.owner[1] && x.group[0] == x.group[1]
}

// changes describes the metadata changes, one per line: "new file",
// "mode 0600 -> 0644", "owner nobody -> root".
func (x delta) changes() []string {
	if x.create {
		lines := []string{"new file", "mode " + formatMode(x.mode[1])}
		for _, p := range []struct{ name, value string }{{"owner", x.owner[1]}, {"group", x.group[1]}} {
			if p.value != "" {
				lines = append(lines, p.name+" "+p.value)
			}
		}
		return lines
	}
	var lines []string
	if x.mode[0] != x.mode[1] {
		lines = append(lines, fmt.Sprintf("mode %s -> %s", formatMode(x.mode[0]), formatMode(x.mode[1])))
	}
	if x.owner[0] != x.owner[1] {
		lines = append(lines, fmt.Sprintf("owner %s -> %s", x.owner[0], x.owner[1]))
	}
	if x.group[0] != x.group[1] {
		lines = append(lines, fmt.Sprintf("group %s -> %s", x.group[0], x.group[1]))
	}
	return lines
}

// pick returns want, or have when want is empty.
func pick(want, have string) string {
	if want == "" {
		return have
	}
	return want
}
