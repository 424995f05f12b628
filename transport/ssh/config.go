package ssh

import (
	"os"
	"os/user"
	"path/filepath"
	"time"
)

// Config is the transport policy shared by every connection of a Pool.
// The zero value is usable: strict host-key checking against
// ~/.ssh/known_hosts, ~/.ssh/config when it exists, a 10 s connect timeout,
// no agent.
type Config struct {
	// KnownHostsFile is the OpenSSH known_hosts file that host keys are
	// checked against (and appended to under AcceptNew). Empty means
	// ~/.ssh/known_hosts. A missing file is an empty file.
	KnownHostsFile string
	// AcceptNew accepts the key of a host that known_hosts does not know
	// yet and appends it there (OpenSSH's StrictHostKeyChecking=accept-new);
	// HostInfo.HostKeyAccepted then records it. A changed key is refused
	// regardless.
	AcceptNew bool
	// SSHConfigFile is the OpenSSH client config used to resolve targets
	// given only by name. Empty means ~/.ssh/config if it exists; "none"
	// disables it, as with ssh -F none.
	SSHConfigFile string
	// ConnectTimeout bounds TCP connect, SSH handshake and authentication
	// together. Zero means 10 s.
	ConnectTimeout time.Duration
	// KeepaliveInterval is how often a keepalive@openssh.com request is
	// sent; a connection that misses three in a row is closed. Zero means
	// 15 s; negative disables keepalives.
	KeepaliveInterval time.Duration
	// UseAgent adds the keys of the ssh-agent at $SSH_AUTH_SOCK to the
	// identities offered.
	UseAgent bool
	// MaxConnections caps the connections a Pool keeps open to targets
	// (dials in flight included; the shared connections to jump hosts
	// are not counted). At the cap, the least recently released idle
	// connection is closed for a new one; when none is idle, the new
	// dial waits until one is released (bounded by the caller's
	// context). Zero means no cap.
	MaxConnections int
}

// Target is one host to reach, as the inventory describes it.
type Target struct {
	// Name is the inventory name, and the name the Pool keys connections
	// by. It is matched against the ssh_config Host patterns (Address
	// when Name is empty), which fill the fields left empty here.
	Name string
	// Address is the host name or IP to dial. Empty means ssh_config's
	// HostName for Name, else Name itself.
	Address string
	// Port is the TCP port; zero means ssh_config's Port, else 22.
	Port int
	// User is the login user; empty means ssh_config's User, else the
	// local user.
	User string
	// IdentityFiles are private key files to offer. Empty means
	// ssh_config's IdentityFile entries, else ~/.ssh/id_ed25519,
	// id_ecdsa and id_rsa (those that exist).
	IdentityFiles []string
	// Sudo runs commands and file operations through sudo -n.
	Sudo bool
	// IdentitiesOnly offers only IdentityFiles (through the agent when it
	// holds an encrypted file's key), never the agent's other keys, as
	// OpenSSH's IdentitiesOnly; ssh_config's IdentitiesOnly yes sets it
	// too. Either way the identity files are offered before agent keys.
	IdentitiesOnly bool
	// Jump are the jump hosts (bastions) to reach the target through,
	// first hop first, as ProxyJump: nil means ssh_config's ProxyJump,
	// an empty non-nil slice a direct connection. Each hop is resolved
	// like a target (ssh_config by its Name); one connection to a hop is
	// shared by every target behind it, and the host keys of the hops and
	// the target are all checked. See ParseJump.
	Jump []Target

	depth int // how many targets this one is a jump host for, in a chain
}

const (
	defaultConnectTimeout    = 10 * time.Second
	defaultKeepaliveInterval = 15 * time.Second
)

func (c Config) connectTimeout() time.Duration {
	if c.ConnectTimeout > 0 {
		return c.ConnectTimeout
	}
	return defaultConnectTimeout
}

func (c Config) keepaliveInterval() time.Duration {
	if c.KeepaliveInterval == 0 {
		return defaultKeepaliveInterval
	}
	return c.KeepaliveInterval
}

func (c Config) knownHostsFile() string {
	if c.KnownHostsFile != "" {
		return c.KnownHostsFile
	}
	return filepath.Join(homeDir(), ".ssh", "known_hosts")
}

// sshConfigFile returns the ssh_config path to read, or "" for none.
func (c Config) sshConfigFile() string {
	switch c.SSHConfigFile {
	case "none":
		return ""
	case "":
		p := filepath.Join(homeDir(), ".ssh", "config")
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	return c.SSHConfigFile
}

func homeDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return "/"
}

func localUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
