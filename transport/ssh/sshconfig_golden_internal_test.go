package ssh

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goldenCases are ssh_config files and the hosts to resolve in each. The
// golden is the real OpenSSH client: `ssh -G` for what it resolves, and
// `ssh -v` (through a ProxyCommand that exits at once) for the identity
// files with their tokens expanded, which -G prints unexpanded.
var goldenCases = []struct {
	name, config string
	files        map[string]string // more files under the config's directory
	hosts        []string
}{
	{"first match wins, wildcards, negation", `
Host db1 !db2 web*
  HostName %h.example.com
  Port 2200
Host db*
  User dbuser
  Port 9999
Host *
  User fallback
  IdentityFile ~/.ssh/id_%h_%p_%r_%n_%u_%l_%L_%i_%C_%d_%k_%%
  IdentityFile /keys/second
  IdentitiesOnly yes
`, nil, []string{"db1", "db2", "web7", "other", "DB1"}},
	{"Match host, originalhost, user, localuser, negation, all", `
Host short
  HostName long.example.org
Match host *.example.org !originalhost other
  User matched
Match originalhost short
  Port 2022
Match user matched
  IdentityFile /keys/%r
Match !host *.EXAMPLE.org
  Port 2
Match localuser LOCALUSER
  UserKnownHostsFile /tmp/kh_%h_%p
Match all
  User last
`, nil, []string{"short", "foo", "other", "x.example.org"}},
	{"Include, in place and under a Host block", `
Include DIR/top.conf
Host inc*
  Include DIR/inc.d/*.conf
  User afterinclude
Host *
  User z
  Port 2000
`, map[string]string{
		"top.conf":      "Host top\n  User t\n",
		"inc.d/a.conf":  "Port 11\nUser froma\nHost incb\n  Port 33\n",
		"inc.d/b.conf":  "Port 44\nHostName b.%h\n",
		"inc.d/c.other": "Port 55\n",
	}, []string{"inca", "incb", "top", "x"}},
	{"Key=value, quotes and comments", `
# a comment
Host = "q1" q2
  User=eq # trailing comment
  Port = 2201
  IdentityFile "/path with space/id"
  HostName h%%x.%h
`, nil, []string{"q1", "q2", "q3"}},
	{"HostKeyAlias", `
Host a*
  HostKeyAlias Shared-Name
Host b
  HostName 127.0.0.1
  Port 2222
  HostKeyAlias B.example
`, nil, []string{"a1", "b", "c"}},
	{"ProxyCommand and ProxyJump share one slot", `
Host p*
  ProxyCommand ssh -W %h:%p  "bastion one"   # kept as written
Host pj
  ProxyJump nowhere
Host j*
  ProxyJump bastion
  ProxyCommand nc %h %p
`, nil, []string{"p1", "pj", "j1", "x"}},
}

func TestSSHConfigGolden(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the OpenSSH client is required in CI")
		}
		t.Skip("no OpenSSH client")
	}
	u, err := user.Current()
	if err != nil || os.Getenv("HOME") != u.HomeDir {
		t.Skip("OpenSSH reads the home directory from passwd, mend from $HOME: they differ here")
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700)
				os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600)
			}
			conf := filepath.Join(dir, "config")
			text := strings.NewReplacer("DIR", dir, "LOCALUSER", u.Username).Replace(tc.config)
			os.WriteFile(conf, []byte(text), 0o600)
			for _, host := range tc.hosts {
				t.Run(host, func(t *testing.T) { compareWithOpenSSH(t, conf, host) })
			}
		})
	}
}

func compareWithOpenSSH(t *testing.T, conf, host string) {
	g := sshG(t, conf, host)
	e, err := resolve(Config{SSHConfigFile: conf, KnownHostsFile: ""}, Target{Name: host})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, got, want string) {
		if got != want {
			t.Errorf("%s: mend %q, ssh -G %q", what, got, want)
		}
	}
	check("hostname", e.Host, g["hostname"])
	check("port", strconv.Itoa(e.Port), g["port"])
	check("user", e.User, g["user"])
	check("hostkeyalias", e.hostKeyAlias, g["hostkeyalias"])
	check("proxycommand", e.proxyCommand, g["proxycommand"])
	check("identitiesonly", map[bool]string{true: "yes", false: "no"}[e.IdentitiesOnly], g["identitiesonly"])
	if len(e.userKnownHosts) > 0 {
		check("userknownhostsfile", e.userKnownHosts[0], g["userknownhostsfile"])
	}
	if e.explicitIDs {
		check("identityfile", strings.Join(e.IdentityFiles, "\n"), strings.Join(sshIdentityFiles(t, conf, host), "\n"))
	}
}

// sshG runs ssh -G and returns its settings (the first line of each key).
func sshG(t *testing.T, conf, host string) map[string]string {
	out, err := exec.Command("ssh", "-G", "-F", conf, host).Output()
	if err != nil {
		t.Fatalf("ssh -G: %v", err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		if _, dup := m[k]; !dup {
			m[k] = v
		}
	}
	return m
}

// sshIdentityFiles are the identity files ssh -v says it loads, tokens
// expanded; ProxyCommand=true makes it give up right after.
func sshIdentityFiles(t *testing.T, conf, host string) []string {
	out, _ := exec.Command("ssh", "-v", "-F", conf, "-o", "ProxyCommand=true", "-o", "BatchMode=yes", host).CombinedOutput()
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		rest, ok := strings.CutPrefix(line, "debug1: identity file ")
		if !ok {
			continue
		}
		i := strings.LastIndex(rest, " type ")
		if i >= 0 && !strings.HasSuffix(rest[:i], "-cert") {
			ids = append(ids, rest[:i])
		}
	}
	if len(ids) == 0 {
		t.Fatalf("ssh -v listed no identity file:\n%s", out)
	}
	return ids
}
