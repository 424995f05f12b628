package disk

import (
	"fmt"
	"sort"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// mountType is one filesystem:
//
//	mount, device, fstype  strings as df shows them
//	read_only              mounted ro
//	size_bytes, used_bytes, free_bytes (free for unprivileged users, df's Avail)
//	used_percent           df's Use%: used / (used + free), rounded up
//	inodes, inodes_used, inodes_free, inodes_used_percent (0 where the filesystem has no inode count)
var mountType = cty.Object(map[string]cty.Type{
	"mount": cty.String, "device": cty.String, "fstype": cty.String, "read_only": cty.Bool,
	"size_bytes": cty.Number, "used_bytes": cty.Number, "free_bytes": cty.Number, "used_percent": cty.Number,
	"inodes": cty.Number, "inodes_used": cty.Number, "inodes_free": cty.Number, "inodes_used_percent": cty.Number,
})

var entryType = cty.Object(map[string]cty.Type{"path": cty.String, "bytes": cty.Number, "dir": cty.Bool})

var deletedType = cty.Object(map[string]cty.Type{
	"pid": cty.Number, "fd": cty.Number, "process": cty.String, "path": cty.String,
	"size_bytes": cty.Number, "mount": cty.String,
})

// outputType is the step's output:
//
//	mounts              list of mountType: the mount holding path, or every mount df lists, fullest first
//	mount               the mount holding path, else the fullest one (by bytes or inodes)
//	largest             list of { path, bytes, dir }, biggest first (empty without `largest`)
//	largest_bytes       bytes under `largest` that the scan saw
//	largest_complete    false when the scan was cut short by max_entries or scan_timeout
//	deleted_open        list of { pid, fd, process, path, size_bytes, mount } (empty without `deleted_open`)
//	deleted_open_bytes  space those files hold, each file counted once
var outputType = cty.Object(map[string]cty.Type{
	"mounts": cty.List(mountType), "mount": mountType,
	"largest": cty.List(entryType), "largest_bytes": cty.Number, "largest_complete": cty.Bool,
	"deleted_open": cty.List(deletedType), "deleted_open_bytes": cty.Number,
})

// result is everything the step found on one host.
type result struct {
	mounts       []mount
	notes        []string
	largestPath  string
	scan         *scan
	deleted      []deletedFile
	deletedMore  bool
	askedDeleted bool
}

// fullness is how full a mount is, bytes or inodes, whichever is worse.
func fullness(m mount) int64 { return max(m.usedPercent(), m.inodesUsedPercent()) }

func (r *result) sortMounts() {
	sort.SliceStable(r.mounts, func(i, j int) bool { return fullness(r.mounts[i]) > fullness(r.mounts[j]) })
}

func (r *result) response() (resp steps.DiagnoseResponse) {
	r.sortMounts()
	out := map[string]cty.Value{
		"mounts":  listOf(mountType, len(r.mounts), func(i int) cty.Value { return mountVal(r.mounts[i]) }),
		"mount":   mountVal(r.mounts[0]),
		"largest": cty.ListValEmpty(entryType), "largest_bytes": cty.Zero, "largest_complete": cty.True,
		"deleted_open":       listOf(deletedType, len(r.deleted), func(i int) cty.Value { return deletedVal(r.deleted[i]) }),
		"deleted_open_bytes": cty.NumberIntVal(heldBytes(r.deleted)),
	}
	if r.scan != nil {
		out["largest"] = listOf(entryType, len(r.scan.Entries), func(i int) cty.Value {
			e := r.scan.Entries[i]
			return cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(e.Path), "bytes": cty.NumberIntVal(e.Bytes), "dir": cty.BoolVal(e.Dir)})
		})
		out["largest_bytes"] = cty.NumberIntVal(r.scan.Total)
		out["largest_complete"] = cty.BoolVal(r.scan.Complete)
	}
	resp.Output = cty.ObjectVal(out)
	resp.Summary = r.summary()
	resp.Details = r.details()
	return resp
}

func listOf(ty cty.Type, n int, val func(int) cty.Value) cty.Value {
	if n == 0 {
		return cty.ListValEmpty(ty)
	}
	vals := make([]cty.Value, n)
	for i := range vals {
		vals[i] = val(i)
	}
	return cty.ListVal(vals)
}

func mountVal(m mount) cty.Value {
	n := cty.NumberIntVal
	return cty.ObjectVal(map[string]cty.Value{
		"mount": cty.StringVal(m.Mount), "device": cty.StringVal(m.Device), "fstype": cty.StringVal(m.FSType),
		"read_only": cty.BoolVal(m.ReadOnly), "size_bytes": n(m.Size), "used_bytes": n(m.Used), "free_bytes": n(m.Free),
		"used_percent": n(m.usedPercent()), "inodes": n(m.Inodes), "inodes_used": n(m.InodesUsed),
		"inodes_free": n(m.InodesFree), "inodes_used_percent": n(m.inodesUsedPercent()),
	})
}

func deletedVal(f deletedFile) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"pid": cty.NumberIntVal(f.PID), "fd": cty.NumberIntVal(f.FD), "process": cty.StringVal(f.Process),
		"path": cty.StringVal(f.Path), "size_bytes": cty.NumberIntVal(f.Size), "mount": cty.StringVal(f.Mount),
	})
}

// summary is the worst mount in one line, and the deleted-open total:
// "/var: 100% used (0 B free of 4.0 MiB), inodes 1%, ext4 rw; 2 deleted files held open: 2.0 MiB".
func (r *result) summary() string {
	m := r.mounts[0]
	ro := "rw"
	if m.ReadOnly {
		ro = "READ-ONLY"
	}
	s := fmt.Sprintf("%s: %d%% used (%s free of %s), inodes %d%%, %s %s", m.Mount, m.usedPercent(),
		hostscript.Bytes(m.Free), hostscript.Bytes(m.Size), m.inodesUsedPercent(), m.FSType, ro)
	if len(r.mounts) > 1 {
		s = fmt.Sprintf("fullest of %d mounts: %s", len(r.mounts), s)
	}
	if r.askedDeleted {
		s += fmt.Sprintf("; %d deleted files held open (%s)", distinct(r.deleted), hostscript.Bytes(heldBytes(r.deleted)))
	}
	return s
}

// distinct counts deleted files, not descriptors.
func distinct(files []deletedFile) int {
	seen := map[string]bool{}
	for _, f := range files {
		seen[fmt.Sprint(f.Dev, "/", f.Inode)] = true
	}
	return len(seen)
}

// details are the other mounts (up to 10), the largest entries, the
// deleted files (up to 10) and notes on anything cut short.
func (r *result) details() []string {
	var d []string
	for i, m := range r.mounts {
		if i == 0 {
			continue
		}
		if i == 11 {
			d = append(d, fmt.Sprintf("… %d more mounts", len(r.mounts)-11))
			break
		}
		d = append(d, fmt.Sprintf("%s: %d%% used (%s free), inodes %d%%", m.Mount, m.usedPercent(), hostscript.Bytes(m.Free), m.inodesUsedPercent()))
	}
	if r.scan != nil {
		d = append(d, fmt.Sprintf("largest under %s (%s seen in %d entries):", r.largestPath, hostscript.Bytes(r.scan.Total), r.scan.Seen))
		for _, e := range r.scan.Entries {
			slash := ""
			if e.Dir {
				slash = "/"
			}
			d = append(d, fmt.Sprintf("  %10s  %s%s", hostscript.Bytes(e.Bytes), e.Path, slash))
		}
		if r.scan.Note != "" {
			d = append(d, "largest: "+r.scan.Note)
		}
	}
	for i, f := range r.deleted {
		if i == 10 {
			d = append(d, fmt.Sprintf("… %d more deleted open files", len(r.deleted)-10))
			break
		}
		d = append(d, fmt.Sprintf("deleted, held open: %s (%s) by %s pid %d fd %d", f.Path, hostscript.Bytes(f.Size), f.Process, f.PID, f.FD))
	}
	if r.deletedMore {
		d = append(d, fmt.Sprintf("deleted_open: more than %d descriptors; the rest were not listed", maxDeleted))
	}
	return append(d, r.notes...)
}
