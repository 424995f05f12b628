package ssh

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/steps"
)

// TestSSHConfigRefuses checks that a directive mend does not implement is
// an error naming file:line when it is in effect for the host, and is no
// obstacle when it is not (another Host block, shadowed by an earlier
// value, or a Match criterion that cannot hold anymore).
func TestSSHConfigRefuses(t *testing.T) {
	tests := []struct {
		name, config, host string
		want               string // "" for no error
	}{
		{"ProxyJump bad", "Host a\n  ProxyJump b:99999\n", "a", "config:2: jump host \"b:99999\""},
		{"ProxyCommand of another host", "Host b\n  ProxyCommand nc %h %p\n", "a", ""},

		{"ProxyCommand none shadows", "Host a\n  ProxyCommand none\nHost *\n  ProxyCommand nc %h %p\n", "a", ""},
		{"ProxyCommand honoured", "Host *\n  ProxyCommand nc %h %p\n", "a", ""},
		{"ProxyCommand unknown token", "Host *\n  ProxyCommand nc %h %q\n", "a", "config:2: ProxyCommand \"nc %h %q\": unknown token %q"},
		{"ProxyCommand after ProxyJump", "ProxyJump b\nProxyCommand nc %h %x\n", "a", ""},
		{"HostKeyAlias honoured", "HostKeyAlias k\n", "a", ""},
		{"HostKeyAlias not a name", "HostKeyAlias k*\n", "a", "config:1: HostKeyAlias \"k*\""},
		{"CertificateFile", "Host a\n  CertificateFile ~/.ssh/c\n", "a", "config:2: CertificateFile ~/.ssh/c applies"},
		{"HostKeyAlgorithms", "HostKeyAlgorithms ssh-ed25519\n", "a", "config:1: HostKeyAlgorithms ssh-ed25519 applies"},
		{"StrictHostKeyChecking no", "StrictHostKeyChecking no\n", "a", "config:1: StrictHostKeyChecking no applies to this host, but mend always checks"},
		{"StrictHostKeyChecking accept-new", "StrictHostKeyChecking accept-new\n", "a", ""},
		{"harmless ControlPath", "ControlPath /tmp/%C\nControlMaster auto\nServerAliveInterval 5\n", "a", ""},
		{"Match exec reached", "Match host a exec true\n  User x\n", "a", "config:1: mend cannot evaluate Match exec"},
		{"Match exec after a failed criterion", "Match host b exec true\n  User x\n", "a", ""},
		{"unknown directive", "Host zzz\n  Bogus 1\n", "a", "config:2: unknown directive \"bogus\""},
		{"IgnoreUnknown", "IgnoreUnknown Bogus,UseKeychain\nBogus 1\n", "a", ""},
		{"two known_hosts files", "UserKnownHostsFile /a /b\n", "a", "config:1: UserKnownHostsFile lists 2 files"},
		{"unterminated quote", "User \"x\n", "a", "config:1: unterminated quote"},
		{"Include depth", "Include SELF\n", "a", "Include nested more than 16 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "config")
			os.WriteFile(conf, []byte(strings.ReplaceAll(tt.config, "SELF", conf)), 0o600)
			_, err := resolve(Config{SSHConfigFile: conf}, Target{Name: tt.host})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			case tt.want != "" && steps.Classify(err) != steps.ClassConfig:
				t.Fatalf("error class %s, want config", steps.Classify(err))
			}
		})
	}
}

func TestSSHConfigHostKeyOptions(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "config")
	os.WriteFile(conf, []byte("Host a\n  UserKnownHostsFile /kh/%h_%p\n  StrictHostKeyChecking accept-new\n"), 0o600)
	e, err := resolve(Config{SSHConfigFile: conf}, Target{Name: "a", Port: 2022})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.knownHostsFile(Config{}); got != "/kh/a_2022" || !e.acceptNew {
		t.Errorf("known_hosts %q, acceptNew %v; want /kh/a_2022, true", got, e.acceptNew)
	}
	if got := e.knownHostsFile(Config{KnownHostsFile: "/flag"}); got != "/flag" {
		t.Errorf("an explicit KnownHostsFile must win, got %q", got)
	}
}

func TestSplitConfigLine(t *testing.T) {
	for line, want := range map[string]string{
		"  User=eq # c":                    "user|eq",
		"Host = \"a b\" c":                 "host|a b|c",
		`IdentityFile a\ b`:                `identityfile|a b`,
		`ProxyCommand "x \"y\""`:           `proxycommand|"x \"y\""`,
		"ProxyCommand=ssh -W %h:%p 'b h' ": `proxycommand|ssh -W %h:%p 'b h'`,
		"# only a comment":                 "",
		"   ":                              "",
	} {
		key, args, err := splitConfigLine(line)
		got := strings.Join(append([]string{key}, args...), "|")
		if key == "" {
			got = ""
		}
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", line, got, err, want)
		}
	}
}

func TestExpandPath(t *testing.T) {
	t.Setenv("MEND_X", "v")
	if got := expandPath("/a/${MEND_X}/$MEND_X/%h%%", map[byte]string{'h': "H", '%': "%"}); got != "/a/v/$MEND_X/H%" {
		t.Errorf("got %q", got)
	}
}

func TestAlgorithmList(t *testing.T) {
	def := []string{"a", "b-1", "b-2", "c"}
	for arg, want := range map[string]string{
		"x,a": "x,a", "+x": "a,b-1,b-2,c,x", "^c,x": "c,x,a,b-1,b-2", "-b-*,c": "a",
	} {
		got, err := algorithmList(sshValue{args: []string{arg}}, def)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("%s: got %v, %v; want %s", arg, got, err, want)
		}
	}
}

func TestParseJump(t *testing.T) {
	got, err := ParseJump("ops@b1:2222,ssh://b2,[::1]:23")
	want := []Target{{Name: "b1", User: "ops", Port: 2222}, {Name: "b2"}, {Name: "::1", Port: 23}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	if got, err := ParseJump("none"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("none: %v, %v; want an empty non-nil chain", got, err)
	}
	for _, bad := range []string{"", "a,,b", "u@", "h:0", "a b"} {
		if _, err := ParseJump(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
