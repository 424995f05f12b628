package ssh

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// endpoint is a Target with every default filled in.
type endpoint struct {
	Name          string
	Host          string
	Port          int
	User          string
	IdentityFiles []string
	explicitIDs   bool // identity files came from the target or ssh_config
	// IdentitiesOnly offers only the identity files (and their keys held
	// by the agent), never the agent's other keys: ssh_config's
	// IdentitiesOnly yes, or Target.IdentitiesOnly.
	IdentitiesOnly bool
	Sudo           bool
	// userKnownHosts are ssh_config's UserKnownHostsFile files; acceptNew
	// is its StrictHostKeyChecking accept-new.
	userKnownHosts []string
	acceptNew      bool
	// hostKeyAlias is ssh_config's HostKeyAlias: known_hosts holds the
	// host's key under this name (without a port), not its address.
	hostKeyAlias string
	// proxyCommand is ssh_config's ProxyCommand as written (tokens not
	// expanded); connect runs it instead of dialling.
	proxyCommand string
	algos        algorithms // ssh_config's KexAlgorithms, Ciphers, MACs

	jump  []Target // jump hosts, first hop first
	depth int
	// via opens the TCP connection through the last jump host; nil
	// means a direct connection. Set by the Pool.
	via func(ctx context.Context, addr string) (net.Conn, error)
}

func (e endpoint) addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

// keyAddr is the name e's host key has in known_hosts: its address, or
// as OpenSSH does with HostKeyAlias, the alias alone (port 22 is the one
// knownhosts.Normalize leaves out).
func (e endpoint) keyAddr() string {
	if e.hostKeyAlias != "" {
		return net.JoinHostPort(e.hostKeyAlias, "22")
	}
	return e.addr()
}

// resolve fills in a Target's defaults, first from the ssh_config file
// (when the target has no Address, or leaves fields empty) and then from
// the built-in defaults.
func resolve(cfg Config, t Target) (endpoint, error) {
	if t.Name == "" && t.Address == "" {
		return endpoint{}, steps.Errorf(steps.ClassConfig, "ssh target has neither a name nor an address")
	}
	e := endpoint{Name: t.Name, Host: t.Address, Port: t.Port, User: t.User, Sudo: t.Sudo, IdentitiesOnly: t.IdentitiesOnly}
	e.IdentityFiles = append([]string(nil), t.IdentityFiles...)
	if e.Name == "" {
		e.Name = t.Address
	}
	e.depth = t.depth
	var o *sshOptions
	if path := cfg.sshConfigFile(); path != "" {
		var err error
		if o, err = fromSSHConfig(path, e.Name, &e); err != nil {
			return endpoint{}, err
		}
	}
	if err := e.applyJump(t, o); err != nil {
		return endpoint{}, err
	}
	e.explicitIDs = len(e.IdentityFiles) > 0
	if e.Host == "" {
		e.Host = t.Name
	}
	if e.Port == 0 {
		e.Port = 22
	}
	if e.User == "" {
		e.User = localUser()
	}
	if !e.explicitIDs {
		e.IdentityFiles = defaultIdentityFiles()
	}
	return e, nil
}

// fromSSHConfig fills the empty fields of e from the OpenSSH client
// config at path, evaluated for alias as ssh -G would (see sshconfig.go).
// The target's own fields win, like ssh's command-line options; HostName
// is only used when the target has no Address of its own. A directive in
// effect that mend does not implement is an error naming file:line.
func fromSSHConfig(path, alias string, e *endpoint) (*sshOptions, error) {
	if alias == "" {
		return nil, nil
	}
	preset := map[string]string{"hostname": e.Host, "user": e.User}
	if e.Port != 0 {
		preset["port"] = strconv.Itoa(e.Port)
	}
	o, err := evalSSHConfig(path, alias, preset)
	if err != nil {
		return nil, err
	}
	if err := checkRefused(o); err != nil {
		return nil, err
	}
	return o, e.applyOptions(o, alias)
}

// applyOptions sets e's fields from the evaluated options.
func (e *endpoint) applyOptions(o *sshOptions, alias string) error {
	e.Host = strings.ToLower(strings.NewReplacer("%%", "%", "%h", alias).Replace(o.get("hostname")))
	if e.Host == "" {
		e.Host = strings.ToLower(alias)
	}
	e.User = o.get("user")
	if e.User == "" {
		e.User = localUser()
	}
	e.Port = 22
	if v, ok := o.first["port"]; ok {
		n, err := strconv.Atoi(v.args[0])
		if err != nil || n <= 0 || n > 65535 {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: host %q has invalid Port %q", v.where(), alias, v.args[0])
		}
		e.Port = n
	}
	if v, ok := o.first["identitiesonly"]; ok {
		yes, err := configFlag(v)
		if err != nil {
			return err
		}
		e.IdentitiesOnly = e.IdentitiesOnly || yes
	}
	tok := e.tokens(alias)
	if len(e.IdentityFiles) == 0 {
		for _, v := range o.all["identityfile"] {
			e.IdentityFiles = append(e.IdentityFiles, expandPath(v.args[0], tok))
		}
	}
	if err := e.applyAlgorithms(o); err != nil {
		return err
	}
	return e.applyHostKeyOptions(o, tok)
}

// applyHostKeyOptions reads UserKnownHostsFile, StrictHostKeyChecking
// and HostKeyAlias (lower-cased, as ssh does; OpenSSH 9 expands no tokens
// in it).
func (e *endpoint) applyHostKeyOptions(o *sshOptions, tok map[byte]string) error {
	if v, ok := o.first["hostkeyalias"]; ok {
		alias := strings.ToLower(v.args[0])
		if err := checkRecordableAddr(net.JoinHostPort(alias, "22")); err != nil {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: HostKeyAlias %q: %v", v.where(), v.args[0], err)
		}
		e.hostKeyAlias = alias
	}
	if v, ok := o.first["userknownhostsfile"]; ok {
		if len(v.args) > 1 {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: UserKnownHostsFile lists %d files, but mend checks host keys against one; list one file for this host", v.where(), len(v.args))
		}
		e.userKnownHosts = []string{expandPath(v.args[0], tok)}
	}
	v, ok := o.first["stricthostkeychecking"]
	if !ok {
		return nil
	}
	switch strings.ToLower(v.args[0]) {
	case "yes", "true", "ask":
	case "accept-new":
		e.acceptNew = true
	case "no", "false", "off":
		return steps.Errorf(steps.ClassConfig, "ssh config %s: StrictHostKeyChecking %s applies to this host, but mend always checks host keys (use accept-new, or --accept-new-host-key, to trust a host's first key)", v.where(), v.args[0])
	default:
		return steps.Errorf(steps.ClassConfig, "ssh config %s: StrictHostKeyChecking %q: use yes, accept-new or ask", v.where(), v.args[0])
	}
	return nil
}

// knownHostsFile is the known_hosts file for e: Config.KnownHostsFile
// when set (the command line and inventory win, as ssh's -o), else
// ssh_config's UserKnownHostsFile, else ~/.ssh/known_hosts.
func (e endpoint) knownHostsFile(cfg Config) string {
	if cfg.KnownHostsFile == "" && len(e.userKnownHosts) > 0 {
		return e.userKnownHosts[0]
	}
	return cfg.knownHostsFile()
}

// configFlag reads a yes/no directive.
func configFlag(v sshValue) (bool, error) {
	switch strings.ToLower(v.args[0]) {
	case "yes", "true":
		return true, nil
	case "no", "false":
		return false, nil
	}
	return false, steps.Errorf(steps.ClassConfig, "ssh config %s: %q: use yes or no", v.where(), v.args[0])
}

func defaultIdentityFiles() []string {
	var ids []string
	for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
		p := filepath.Join(homeDir(), ".ssh", n)
		if _, err := os.Stat(p); err == nil {
			ids = append(ids, p)
		}
	}
	return ids
}

func (e endpoint) String() string { return fmt.Sprintf("%s@%s", e.User, e.addr()) }
