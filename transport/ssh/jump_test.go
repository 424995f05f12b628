package ssh_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// jumpLab is a target sshd and a bastion sshd in a network namespace of
// their own: the test reaches the bastion only through a forwarded port,
// and the target only through the bastion.
type jumpLab struct {
	target, bastion *sshtest.Server
	bastionPort     int
	accepted        func() int64 // TCP connections the bastion was given
	cfg             mendssh.Config
}

func newJumpLab(t *testing.T) *jumpLab {
	ns := sshtest.NewNetNS(t)
	l := &jumpLab{target: sshtest.Start(t, sshtest.WithNetNS(ns)), bastion: sshtest.Start(t, sshtest.WithNetNS(ns))}
	port, n := ns.Forward(t, l.bastion.Addr)
	l.bastionPort, l.accepted = port, n.Load
	l.cfg = l.target.Config()
	l.cfg.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts")
	l.writeKnownHosts(t)
	return l
}

// writeKnownHosts trusts the servers' current host keys: the target at
// its address inside the namespace, the bastion at its forwarded port.
func (l *jumpLab) writeKnownHosts(t *testing.T) {
	lines := sshtest.KnownHostsLine("127.0.0.1", l.target.Port, l.target.HostKey) + "\n" +
		sshtest.KnownHostsLine("127.0.0.1", l.bastionPort, l.bastion.HostKey) + "\n"
	if err := os.WriteFile(l.cfg.KnownHostsFile, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (l *jumpLab) bastionTarget() mendssh.Target {
	b := l.bastion.Target()
	b.Name, b.Port = "bastion", l.bastionPort
	return b
}

func (l *jumpLab) targetVia(name string) mendssh.Target {
	tg := l.target.Target()
	tg.Name, tg.Jump = name, []mendssh.Target{l.bastionTarget()}
	return tg
}

func TestJumpHost(t *testing.T) {
	l := newJumpLab(t)
	_, err := newPool(t, l.cfg).Host(testCtx(t, 10*time.Second), l.target.Target())
	wantClass(t, err, steps.ClassUnreachable) // the target is not reachable directly

	p := newPool(t, l.cfg)
	for _, name := range []string{"t1", "t2", "t3"} {
		h, err := p.Host(testCtx(t, 10*time.Second), l.targetVia(name))
		if err != nil {
			t.Fatalf("%s through the bastion: %v\nbastion log:\n%s", name, err, l.bastion.Log())
		}
		res, err := h.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: "echo ok"})
		if err != nil || string(res.Stdout) != "ok\n" {
			t.Fatalf("%s: exec through the bastion: %q, %v", name, res.Stdout, err)
		}
	}
	if n := l.accepted(); n != 1 {
		t.Errorf("the bastion was connected to %d times for 3 targets, want 1 shared connection", n)
	}
}

// TestJumpHostFromSSHConfig: ProxyJump in ssh_config, hops resolved
// through the same config, as ssh -J.
func TestJumpHostFromSSHConfig(t *testing.T) {
	l := newJumpLab(t)
	conf := filepath.Join(t.TempDir(), "config")
	os.WriteFile(conf, []byte(fmt.Sprintf(`Host behind-*
  HostName 127.0.0.1
  Port %d
  IdentityFile %s
  ProxyJump jump
Host jump
  HostName 127.0.0.1
  Port %d
  IdentityFile %s
`, l.target.Port, l.target.IdentityFile, l.bastionPort, l.bastion.IdentityFile)), 0o600)
	cfg := l.cfg
	cfg.SSHConfigFile = conf
	p := newPool(t, cfg)
	for _, name := range []string{"behind-1", "behind-2"} {
		if _, err := p.Host(testCtx(t, 10*time.Second), mendssh.Target{Name: name}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if n := l.accepted(); n != 1 {
		t.Errorf("%d connections to the bastion, want 1", n)
	}
}

// TestJumpHostKeysChecked: a changed host key is refused, the bastion's
// as well as the target's behind it.
func TestJumpHostKeysChecked(t *testing.T) {
	l := newJumpLab(t)
	write := func(targetKey, bastionKey ssh.PublicKey) {
		lines := sshtest.KnownHostsLine("127.0.0.1", l.target.Port, targetKey) + "\n" +
			sshtest.KnownHostsLine("127.0.0.1", l.bastionPort, bastionKey) + "\n"
		if err := os.WriteFile(l.cfg.KnownHostsFile, []byte(lines), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(l.target.HostKey, l.target.HostKey) // the bastion's key "changed"
	_, err := newPool(t, l.cfg).Host(testCtx(t, 10*time.Second), l.targetVia("t1"))
	wantClass(t, err, steps.ClassHostKey)

	write(l.bastion.HostKey, l.bastion.HostKey) // the target's key "changed"
	_, err = newPool(t, l.cfg).Host(testCtx(t, 10*time.Second), l.targetVia("t1"))
	wantClass(t, err, steps.ClassHostKey)

	write(l.target.HostKey, l.bastion.HostKey)
	if _, err := newPool(t, l.cfg).Host(testCtx(t, 10*time.Second), l.targetVia("t1")); err != nil {
		t.Fatal(err)
	}
}
