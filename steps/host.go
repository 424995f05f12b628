package steps

import (
	"context"
	"errors"
	"io/fs"
	"net"
)

// Host is a read-only handle on one target host. Diagnose steps and repair
// previews get a Host; only Apply gets a MutableHost. Implementations are
// safe for concurrent use. Every method honours ctx: when ctx is done, the
// call returns ctx.Err() (wrapped) and any remote process it started is
// killed, not left running.
type Host interface {
	// Info identifies the host for humans and the audit log.
	Info() HostInfo
	// Exec runs a shell command line (POSIX sh) on the host, through sudo -n
	// when the inventory says so. A non-zero exit status is not an error;
	// an error means the command could not run or did not finish
	// (transport failure, ctx done).
	Exec(ctx context.Context, req ExecRequest) (ExecResult, error)
	// ReadFile reads a file and its metadata. A missing file is not an
	// error: File.Exists is false. A directory, FIFO, device or socket is
	// an error, as is a file over 64 MiB; a file hidden by a directory the
	// login user cannot search is a permission error, not absent.
	ReadFile(ctx context.Context, path string) (File, error)
	// DialContext opens a TCP connection from the host's point of view
	// (through the SSH connection), e.g. to probe TLS or reach etcd.
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// MutableHost is a Host that can also change files. Only repair Apply gets one.
type MutableHost interface {
	Host
	// WriteFile replaces a file atomically: content goes to a temporary file
	// in the same directory, is fsynced, gets its mode and owner, and is
	// renamed over the target; an interrupted write never leaves a
	// half-written target.
	WriteFile(ctx context.Context, req WriteFileRequest) (WriteFileResult, error)
}

// Series is implemented by a Host that can prepare for a series of
// commands. The engine calls MoreCommands when it knows that more than
// one command will go to the host from now on: a step with later steps
// there, a lock it takes and will release. The SSH transport then runs
// the next command on its persistent session (the runner) at once,
// where it would otherwise run a lone command in a session of its own
// and start the runner with the second. A hint only: what runs, and how
// it behaves, is the same either way.
type Series interface {
	MoreCommands()
}

// MoreCommands tells h, if it can prepare for a series of commands
// (Series), that more than one will follow.
func MoreCommands(h Host) {
	if s, ok := h.(Series); ok {
		s.MoreCommands()
	}
}

// HostResolver finds other inventory hosts by name, for steps that look at
// more than one host (x509_compare). It returns an error naming the host
// when it is not in the inventory or cannot be reached.
type HostResolver interface {
	Host(ctx context.Context, name string) (Host, error)
}

// HostInfo identifies a host and the identities used to reach it.
type HostInfo struct {
	Name    string `json:"name"`    // inventory name
	Address string `json:"address"` // host:port dialled
	User    string `json:"user,omitempty"`
	// HostKeyFingerprint is the SHA256 fingerprint of the host key the
	// connection verified ("SHA256:..."); empty for a local host.
	HostKeyFingerprint string `json:"host_key_fingerprint,omitempty"`
	// ClientKeyFingerprint is the fingerprint of the key that authenticated.
	ClientKeyFingerprint string `json:"client_key_fingerprint,omitempty"`
	// HostKeyAccepted is true when the host key was unknown and accepted
	// because the operator passed accept-new; the audit log records it.
	HostKeyAccepted bool `json:"host_key_accepted,omitempty"`
}

// ExecRequest is one command to run.
type ExecRequest struct {
	// Command is a POSIX shell command line.
	Command string
	// Stdin, if non-nil, is fed to the command's standard input.
	Stdin []byte
	// NoSudo runs the command as the login user even on a sudo host
	// (rarely needed; e.g. to read the login user's own files).
	NoSudo bool
}

// ExecResult is what a finished command left behind.
type ExecResult struct {
	ExitCode int
	Stdout   []byte
	Stderr   []byte
}

// File is a file's content and metadata as read from a host.
type File struct {
	Path    string
	Exists  bool
	Content []byte
	// Mode is the permission bits, plus fs.ModeSetuid, fs.ModeSetgid and
	// fs.ModeSticky for the 07000 bits; never type bits.
	Mode fs.FileMode
	// Owner and Group are names, or decimal ids when the host has none.
	Owner string
	Group string
}

// WriteFileRequest describes the desired state of one file.
type WriteFileRequest struct {
	Path    string
	Content []byte
	// Mode is the permission bits plus fs.ModeSetuid, fs.ModeSetgid and
	// fs.ModeSticky, which are applied too (chmod after chown, since chown
	// clears setuid); other bits are ignored. Zero keeps the existing
	// file's mode, special bits included, or 0644 for a new file.
	Mode fs.FileMode
	// Owner and Group, when set, are applied with chown before the rename.
	// Left empty, the replaced file's owner or group is kept; a chown that
	// fails is an error and the target is unchanged.
	Owner string
	Group string
	// Backup keeps the previous content as Path + ".mend-backup-<unix time>"
	// (a hard link or copy made before the rename).
	Backup bool
	// IfContent, when set, makes the write conditional on what the caller
	// last saw: the file at Path must still have content of this hex
	// SHA-256, or not exist when IfContent is Absent. Otherwise nothing is
	// written and the error wraps ErrChangedSince. A repair that previewed
	// the file uses it to write without reading the file again.
	IfContent string
	// SHA256, when set, is the hex SHA-256 of Content as the caller already
	// computed it, so that the transport need not hash Content again. The
	// host checks the bytes it received against it: a wrong value makes the
	// write fail, never store other content.
	SHA256 string
}

// Absent is WriteFileRequest.IfContent for a file that must not exist.
const Absent = "absent"

// ErrChangedSince is wrapped by WriteFile's error when the file no longer
// matches WriteFileRequest.IfContent; the file was not changed.
var ErrChangedSince = errors.New("the file changed since it was read")

// WriteFileResult reports what WriteFile did.
type WriteFileResult struct {
	// BackupPath is where the old content was kept, if a backup was made.
	BackupPath string
	// SHA256 is the hex digest of the content now at Path, computed on the
	// host from the bytes written (the temporary file that was renamed).
	SHA256 string
	// Mode, Owner and Group are the file's metadata after the rename, as
	// in File: a caller verifies the write with them and SHA256 instead of
	// reading the file back.
	Mode  fs.FileMode
	Owner string
	Group string
	// LeftoversRemoved lists temporary files that earlier writes to the
	// same path left behind when they were killed (mend itself killed
	// mid-write), which this write found and removed. A transport that
	// cannot leave any reports none.
	LeftoversRemoved []string
}
