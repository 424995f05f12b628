package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// dial connects, verifies the host key and authenticates, all within
// cfg.ConnectTimeout: x/crypto's ClientConfig.Timeout covers only the TCP
// connect, so a deadline on the net.Conn bounds the handshake too
// (RELIABILITY A10). ctx cancels the dial early.
func dial(ctx context.Context, cfg Config, e endpoint) (*Host, error) {
	timeout := cfg.connectTimeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hk, err := newHostKeyCheck(e.knownHostsFile(cfg), cfg.AcceptNew || e.acceptNew)
	if err != nil {
		return nil, err
	}
	ids, err := loadIdentities(e, cfg.UseAgent)
	if err != nil {
		return nil, err
	}
	defer ids.Close()

	nc, err := e.connect(ctx)
	var through *steps.Error
	if err != nil && errors.As(err, &through) {
		return nil, err // the jump host's own error, classified (a changed host key stays one)
	}
	if err != nil {
		return nil, dialError(ctx, e, timeout, fmt.Errorf("connect to %s: %w", e.addr(), err))
	}
	deadline, _ := ctx.Deadline()
	nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	sc, chans, reqs, err := ssh.NewClientConn(nc, e.addr(), &ssh.ClientConfig{
		User:              e.User,
		Auth:              []ssh.AuthMethod{ids.authMethod()},
		HostKeyCallback:   e.hostKeyCallback(hk),
		HostKeyAlgorithms: hk.algorithms(e.keyAddr()),
		Timeout:           timeout,
		Config:            ssh.Config{KeyExchanges: e.algos.kex, Ciphers: e.algos.ciphers, MACs: e.algos.macs},
	})
	if !stop() && err == nil {
		sc.Close()
		err = ctx.Err()
	}
	if err != nil {
		if pc, ok := nc.(*proxyConn); ok {
			err = pc.annotate(err, e.proxyCommand)
		}
		nc.Close()
		return nil, handshakeError(ctx, e, timeout, hk, ids, err)
	}
	nc.SetDeadline(time.Time{})
	info := steps.HostInfo{
		Name:                 e.Name,
		Address:              e.addr(),
		User:                 e.User,
		HostKeyFingerprint:   hk.fingerprint,
		ClientKeyFingerprint: ids.fingerprint(),
		HostKeyAccepted:      hk.accepted,
	}
	return newHost(ssh.NewClient(sc, chans, reqs), info, e.Sudo, cfg.keepaliveInterval()), nil
}

// hostKeyCallback checks the host key under e's name in known_hosts
// (keyAddr). Under a HostKeyAlias the key of the address is not
// consulted, as OpenSSH does not (CheckHostIP is off with an alias).
func (e endpoint) hostKeyCallback(hk *hostKeyCheck) ssh.HostKeyCallback {
	if e.hostKeyAlias == "" {
		return hk.callback
	}
	alias := e.keyAddr()
	return func(_ string, remote net.Addr, key ssh.PublicKey) error {
		return hk.callback(alias, remote, key)
	}
}

// connect opens the connection to e: directly, as a channel through its
// jump host, or over ssh_config's ProxyCommand.
func (e endpoint) connect(ctx context.Context) (net.Conn, error) {
	if e.proxyCommand != "" {
		cmd, err := expandProxyCommand(e.proxyCommand, e, e.Name)
		if err != nil {
			return nil, steps.Errorf(steps.ClassConfig, "reach %s: %v", e.Name, err)
		}
		return dialProxy(cmd, e)
	}
	if e.via != nil {
		return e.via(ctx, e.addr())
	}
	nd := net.Dialer{KeepAlive: 30 * time.Second}
	return nd.DialContext(ctx, "tcp", e.addr())
}

// handshakeError classifies a failed SSH handshake: the host-key check's
// own error wins, then authentication, then timeouts and the rest.
func handshakeError(ctx context.Context, e endpoint, timeout time.Duration, hk *hostKeyCheck, ids *identities, err error) error {
	if hk.err != nil {
		return hk.err
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		return steps.Errorf(steps.ClassAuth, "authenticate to %s: the server accepted none of the keys (%s): %v", e, ids.describe(), err)
	}
	return dialError(ctx, e, timeout, fmt.Errorf("ssh handshake with %s: %w", e.addr(), err))
}

func dialError(ctx context.Context, e endpoint, timeout time.Duration, err error) error {
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return steps.Errorf(steps.ClassUnreachable, "reach %s (%s): no SSH session within the connect timeout of %s: %v", e.Name, e, timeout, err)
	case errors.Is(ctx.Err(), context.Canceled):
		return ctxError(ctx, "connect to "+e.Name)
	}
	return steps.Errorf(steps.ClassUnreachable, "reach %s (%s): %v", e.Name, e, err)
}

// ctxError wraps ctx's error with the timeout or canceled class.
func ctxError(ctx context.Context, what string) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled
	}
	class := steps.ClassCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		class = steps.ClassTimeout
	}
	return &steps.Error{Class: class, Err: fmt.Errorf("%s: %w", what, err)}
}
