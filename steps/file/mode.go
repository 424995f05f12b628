package file

import (
	"fmt"
	"io/fs"
)

// The special permission bits as octal, beside fs.FileMode's flags for them.
var specialBits = []struct {
	octal uint32
	flag  fs.FileMode
}{
	{0o4000, fs.ModeSetuid},
	{0o2000, fs.ModeSetgid},
	{0o1000, fs.ModeSticky},
}

// unixMode returns the 12 permission bits of m as the octal number chmod
// takes. Hosts may report setuid, setgid and sticky either as fs.FileMode
// flags or as raw 0o7000 bits; both are understood.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m & 0o7777)
	for _, b := range specialBits {
		if m&b.flag != 0 {
			u |= b.octal
		}
	}
	return u
}

// goMode is the fs.FileMode for octal permission bits u, with special
// bits as flags (what os.Chmod expects).
func goMode(u uint32) fs.FileMode {
	m := fs.FileMode(u) & fs.ModePerm
	for _, b := range specialBits {
		if u&b.octal != 0 {
			m |= b.flag
		}
	}
	return m
}

// formatMode renders permission bits as four octal digits: "0644".
func formatMode(u uint32) string { return fmt.Sprintf("%04o", u) }
