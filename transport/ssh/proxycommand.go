package ssh

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mend-sh/mend/internal/shell"
)

// ssh_config's ProxyCommand, as OpenSSH runs it: the command, its %
// tokens expanded, is run by the user's shell as `$SHELL -c "exec
// COMMAND"` (/bin/sh without $SHELL), and the SSH connection goes over its
// standard input and output. The command is the ssh_config author's, run
// exactly as ssh would run it; host names from the inventory reach it
// only through %h and %n, which mend quotes for the shell (OpenSSH does
// not: a host name with shell syntax in it is refused by mend's
// inventory rules anyway, and quoting changes nothing for a plain name).

const (
	// proxyStderrMax bounds what mend keeps of the command's stderr (its
	// start), for the error when the connection fails.
	proxyStderrMax = 2048
	// proxyKillGrace is how long a closed proxy has between SIGTERM and
	// SIGKILL (its process group).
	proxyKillGrace = time.Second
	// proxyExitWait is how long a closed proxy may take to exit by itself.
	proxyExitWait = 200 * time.Millisecond
)

// expandProxyCommand expands ProxyCommand's tokens: %% %h %n %p %r, the
// ones OpenSSH gives it. Another token is an error, as in ssh.
func expandProxyCommand(cmd string, e endpoint, alias string) (string, error) {
	tok := map[byte]string{'%': "%", 'h': shell.Quote(e.Host), 'n': shell.Quote(alias), 'p': fmt.Sprint(e.Port), 'r': shell.Quote(e.User)}
	var b strings.Builder
	for i := 0; i < len(cmd); i++ {
		if cmd[i] != '%' {
			b.WriteByte(cmd[i])
			continue
		}
		if i+1 >= len(cmd) {
			return "", fmt.Errorf("ProxyCommand %q ends in a lone %%", cmd)
		}
		v, ok := tok[cmd[i+1]]
		if !ok {
			return "", fmt.Errorf("ProxyCommand %q: unknown token %%%c (it takes %%%%, %%h, %%n, %%p and %%r)", cmd, cmd[i+1])
		}
		b.WriteString(v)
		i++
	}
	return b.String(), nil
}

// proxyConn is a net.Conn over a ProxyCommand's standard input and
// output. Closing it closes both and ends the command's process group.
type proxyConn struct {
	r, w   *os.File // our ends of the pipes: r reads its stdout, w writes its stdin
	cmd    *exec.Cmd
	stderr *limitedBuffer // read only once the command has exited
	remote proxyAddr
	done   chan struct{} // closed when the command has exited
	once   sync.Once
}

// dialProxy starts command (already expanded) for e.
func dialProxy(command string, e endpoint) (net.Conn, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	c := &proxyConn{r: outR, w: inW, stderr: &limitedBuffer{max: proxyStderrMax}, remote: proxyAddr(e.addr()), done: make(chan struct{})}
	c.cmd = exec.Command(shell, "-c", "exec "+command)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = inR, outW, c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.cmd.WaitDelay = proxyKillGrace
	err = c.cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		outR.Close()
		inW.Close()
		return nil, fmt.Errorf("start ProxyCommand: %w", err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

func (c *proxyConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *proxyConn) Write(b []byte) (int, error) { return c.w.Write(b) }

// Close closes the pipes, gives the command proxyExitWait to end on its
// own, then ends its process group: SIGTERM, and SIGKILL after
// proxyKillGrace. It waits for the command (bounded).
func (c *proxyConn) Close() error {
	c.once.Do(func() {
		c.w.Close()
		c.r.Close()
		pg := -c.cmd.Process.Pid
		select { // a proxy usually ends on its own when its stdin closes
		case <-c.done:
		case <-time.After(proxyExitWait):
		}
		_ = syscall.Kill(pg, syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(proxyKillGrace):
			_ = syscall.Kill(pg, syscall.SIGKILL)
			select {
			case <-c.done:
			case <-time.After(2 * proxyKillGrace):
			}
		}
		_ = syscall.Kill(pg, syscall.SIGKILL) // what it left behind in its group
	})
	return nil
}

// exitNote says how the command ended and what it printed on stderr, for
// an error when the SSH connection over it failed; "" while it runs.
func (c *proxyConn) exitNote() string {
	select {
	case <-c.done:
	case <-time.After(200 * time.Millisecond):
		return ""
	}
	note := c.cmd.ProcessState.String()
	if tail := strings.TrimSpace(string(c.stderr.Bytes())); tail != "" {
		note += "; its stderr: " + tail
	}
	return note
}

func (c *proxyConn) LocalAddr() net.Addr  { return proxyAddr("proxycommand") }
func (c *proxyConn) RemoteAddr() net.Addr { return c.remote }

func (c *proxyConn) SetDeadline(t time.Time) error {
	if err := c.r.SetReadDeadline(t); err != nil {
		return err
	}
	return c.w.SetWriteDeadline(t)
}
func (c *proxyConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *proxyConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// proxyAddr is the address a ProxyCommand stands for (host:port), so the
// host key is checked under the host's name as for a direct connection.
type proxyAddr string

func (a proxyAddr) Network() string { return "tcp" }
func (a proxyAddr) String() string  { return string(a) }

// annotate adds to a failed handshake over the proxy the command and how
// it ended (its exit status and the tail of its stderr).
func (c *proxyConn) annotate(err error, command string) error {
	if note := c.exitNote(); note != "" {
		return fmt.Errorf("%w (through ProxyCommand %s, which %s)", err, command, note)
	}
	return fmt.Errorf("%w (through ProxyCommand %s)", err, command)
}
