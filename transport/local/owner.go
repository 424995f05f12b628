package local

import (
	"io/fs"
	"os/user"
	"strconv"
	"syscall"

	"github.com/mend-sh/mend/steps"
)

// ownerNames returns the user and group names owning fi, falling back to
// decimal ids.
func ownerNames(fi fs.FileInfo) (owner, group string) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", ""
	}
	uid := strconv.FormatUint(uint64(st.Uid), 10)
	gid := strconv.FormatUint(uint64(st.Gid), 10)
	owner, group = uid, gid
	if u, err := user.LookupId(uid); err == nil {
		owner = u.Username
	}
	if g, err := user.LookupGroupId(gid); err == nil {
		group = g.Name
	}
	return owner, group
}

// fileIDs returns the numeric owner and group of fi.
func fileIDs(fi fs.FileInfo) (uid, gid int) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, -1
	}
	return int(st.Uid), int(st.Gid)
}

// desiredIDs resolves the uid and gid the new file gets: the requested
// owner and group, else those of the file replaced, else -1 (the writer's).
func desiredIDs(req steps.WriteFileRequest, old fs.FileInfo) (uid, gid int, err error) {
	uid, gid = -1, -1
	if old != nil {
		uid, gid = fileIDs(old)
	}
	if req.Owner != "" {
		if uid, err = lookupUID(req.Owner); err != nil {
			return 0, 0, err
		}
	}
	if req.Group != "" {
		if gid, err = lookupGID(req.Group); err != nil {
			return 0, 0, err
		}
	}
	return uid, gid, nil
}

// lookupUID resolves a user name, or a decimal uid, to a uid.
func lookupUID(name string) (int, error) {
	if u, err := user.Lookup(name); err == nil {
		return strconv.Atoi(u.Uid)
	}
	if id, err := strconv.Atoi(name); err == nil && id >= 0 {
		return id, nil
	}
	return 0, steps.Errorf(steps.ClassStep, "local: unknown user %q", name)
}

// lookupGID resolves a group name, or a decimal gid, to a gid.
func lookupGID(name string) (int, error) {
	if g, err := user.LookupGroup(name); err == nil {
		return strconv.Atoi(g.Gid)
	}
	if id, err := strconv.Atoi(name); err == nil && id >= 0 {
		return id, nil
	}
	return 0, steps.Errorf(steps.ClassStep, "local: unknown group %q", name)
}
