package ssh

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// maxJumpDepth bounds a chain of jump hosts, which ssh_config can make
// circular (a's ProxyJump is b, b's is a).
const maxJumpDepth = 8

// ParseJump reads a jump chain in ProxyJump's syntax: comma-separated
// hops, each [user@]host[:port] or ssh://[user@]host[:port], first hop
// first. "none" is the empty chain (a direct connection). Each hop's
// other settings come from ssh_config, looked up by its host, as ssh -J
// does.
func ParseJump(spec string) ([]Target, error) {
	if strings.EqualFold(spec, "none") {
		return []Target{}, nil
	}
	var hops []Target
	for _, h := range strings.Split(spec, ",") {
		t, err := parseHop(strings.TrimPrefix(h, "ssh://"))
		if err != nil {
			return nil, steps.Errorf(steps.ClassConfig, "jump host %q in %q: %v", h, spec, err)
		}
		hops = append(hops, t)
	}
	return hops, nil
}

func parseHop(s string) (Target, error) {
	var t Target
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		t.User, s = s[:i], s[i+1:]
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 {
			return t, fmt.Errorf("invalid port %q", port)
		}
		s, t.Port = host, n
	}
	if s == "" || strings.ContainsAny(s, " \t/@[]") {
		return t, fmt.Errorf("want [user@]host[:port]")
	}
	t.Name = s
	return t, nil
}

// key tells pooled connections apart: the same name reached through
// different jump chains is a different connection.
func (e endpoint) key() string {
	k := e.Name
	for _, h := range e.jump {
		k += "\x00via " + h.User + "@" + h.Name + ":" + strconv.Itoa(h.Port)
	}
	return k
}

// jumpDialer returns how to open e's TCP connection: nil for a direct
// one, else a direct-tcpip channel through e's last jump host, whose
// connection the pool shares with every target behind it. The last hop
// is itself reached through the hops before it (explicitly, overriding
// its own ssh_config ProxyJump, as ssh -J a,b does); a single hop is
// reached as its own Target and ssh_config say. ent, e's pool entry,
// holds the jump host's connection for as long as it is open itself.
func (p *Pool) jumpDialer(e endpoint, ent *poolEntry) func(context.Context, string) (net.Conn, error) {
	if len(e.jump) == 0 {
		return nil
	}
	last := e.jump[len(e.jump)-1]
	if len(e.jump) > 1 { // else the hop's own jump (ssh_config's ProxyJump) applies, as with ssh -J b
		last.Jump = append([]Target{}, e.jump[:len(e.jump)-1]...)
	}
	last.depth = e.depth + 1
	return func(ctx context.Context, addr string) (net.Conn, error) {
		b, err := p.acquire(ctx, last, false)
		if err != nil {
			return nil, &steps.Error{Class: steps.Classify(err), Err: fmt.Errorf("jump host %s for %s: %w", last.Name, e.Name, err)}
		}
		p.mu.Lock()
		ent.bastion = b
		p.unlock()
		return b.DialContext(ctx, "tcp", addr)
	}
}

// applyJump sets e's jump chain: the target's own, else ssh_config's
// ProxyJump.
func (e *endpoint) applyJump(t Target, o *sshOptions) error {
	if t.Jump != nil {
		e.jump = t.Jump // the inventory's, like ssh -J: ssh_config's ProxyCommand does not apply
	} else if v, ok := o.firstValue("proxycommand"); ok && !isNeutral("proxycommand", v.args) {
		if _, err := expandProxyCommand(v.args[0], *e, e.Name); err != nil {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: %v", v.where(), err)
		}
		e.proxyCommand = v.args[0]
	} else if v, ok := o.firstValue("proxyjump"); ok {
		hops, err := ParseJump(v.args[0])
		if err != nil {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: %v", v.where(), err)
		}
		e.jump = hops
	}
	if len(e.jump) > 0 && e.depth >= maxJumpDepth {
		return steps.Errorf(steps.ClassConfig, "reach %s: jump hosts nested more than %d deep (does a ProxyJump lead back to itself?)", e.Name, maxJumpDepth)
	}
	return nil
}
