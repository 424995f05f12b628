package ssh

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kevinburke/ssh_config"
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
}

func (e endpoint) addr() string { return net.JoinHostPort(e.Host, strconv.Itoa(e.Port)) }

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
	if path := cfg.sshConfigFile(); path != "" {
		if err := fromSSHConfig(path, e.Name, &e); err != nil {
			return endpoint{}, err
		}
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

// fromSSHConfig fills the empty fields of e from the Host blocks of the
// OpenSSH client config at path that match alias. HostName is only used
// when the target has no Address of its own.
func fromSSHConfig(path, alias string, e *endpoint) error {
	if alias == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return steps.Errorf(steps.ClassConfig, "read ssh config: %w", err)
	}
	defer f.Close()
	c, err := ssh_config.Decode(f)
	if err != nil {
		return steps.Errorf(steps.ClassConfig, "parse ssh config %s: %v", path, err)
	}
	get := func(key string) string { v, _ := c.Get(alias, key); return strings.TrimSpace(v) }
	if e.Host == "" {
		e.Host = expandTokens(get("HostName"), alias, "", "")
	}
	if e.User == "" {
		e.User = get("User")
	}
	if e.Port == 0 {
		if p := get("Port"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n <= 0 || n > 65535 {
				return steps.Errorf(steps.ClassConfig, "ssh config %s: host %q has invalid Port %q", path, alias, p)
			}
			e.Port = n
		}
	}
	if only := get("IdentitiesOnly"); only != "" {
		switch strings.ToLower(only) {
		case "yes":
			e.IdentitiesOnly = true
		case "no":
		default:
			return steps.Errorf(steps.ClassConfig, "ssh config %s: host %q has IdentitiesOnly %q; use yes or no", path, alias, only)
		}
	}
	if len(e.IdentityFiles) == 0 {
		ids, _ := c.GetAll(alias, "IdentityFile")
		for _, id := range ids {
			e.IdentityFiles = append(e.IdentityFiles, expandTokens(strings.TrimSpace(id), alias, e.Host, e.User))
		}
	}
	return nil
}

// expandTokens expands the ssh_config tokens mend supports in HostName and
// IdentityFile: a leading ~, %d (home), %h (host), %n (alias), %r (user),
// %u (local user) and %%.
func expandTokens(s, alias, host, user string) string {
	if s == "" {
		return ""
	}
	if s == "~" || strings.HasPrefix(s, "~/") {
		s = filepath.Join(homeDir(), s[1:])
	}
	if host == "" {
		host = alias
	}
	r := strings.NewReplacer("%%", "%", "%d", homeDir(), "%h", host, "%n", alias, "%r", user, "%u", localUser())
	return r.Replace(s)
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
