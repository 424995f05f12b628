package wait

import (
	"context"
	"fmt"
)

// reconnect gets the host again from req.Hosts when the previous attempt
// lost its connection (an error of class transport: sshd restarted, the
// host rebooted), so that a wait across a restart can succeed: the old
// handle stays dead, while the resolver redials. A failure to reach the
// host is that attempt's error, and the next attempt tries again. Without
// a host or a resolver it does nothing.
func (l *loop) reconnect(ctx context.Context) error {
	if !l.redial || l.req.Host == nil || l.req.Hosts == nil {
		return nil
	}
	name := l.req.Host.Info().Name
	h, err := l.req.Hosts.Host(ctx, name)
	if err != nil {
		return fmt.Errorf("wait_until: reconnect to %s: %w", name, err)
	}
	l.req.Host, l.redial = h, false
	return nil
}
