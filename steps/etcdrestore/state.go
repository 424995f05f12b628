package etcdrestore

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// memberState is what a read-only look at one member's host found.
type memberState struct {
	member
	host        steps.Host
	tool        tool
	dataExists  bool
	dataKiB     int64
	owner       string // numeric uid:gid of the data dir (or its parent)
	ownerName   string // the same as names, for people
	asideExists bool
	stagedSHA   string   // "" when no staged copy exists
	answering   []string // addresses that accept TCP connections now
}

// probe looks at m's host: tool, data dir, the paths the restore will
// create, and whether etcd answers there. It changes nothing.
func probe(ctx context.Context, hosts steps.HostResolver, m member, s settings, token string) (*memberState, error) {
	h, err := hosts.Host(ctx, m.Host)
	if err != nil {
		return nil, fmt.Errorf("etcd_restore: member %s: %w", m.Name, err)
	}
	st := &memberState{member: m, host: h}
	if st.tool, err = detectTool(ctx, h, s.tool); err != nil {
		return nil, err
	}
	script := "d=" + shell.Quote(m.DataDir) + " a=" + shell.Quote(m.aside(token)) + " s=" + shell.Quote(m.staged(token)) + `
if [ -e "$d" ] || [ -L "$d" ]; then o=$d; echo "data $(du -sk "$d" 2>/dev/null | cut -f1)"; else o=$(dirname "$d"); echo "data -"; fi
echo "owner $(stat -c %u:%g "$o" 2>/dev/null) $(stat -c %U:%G "$o" 2>/dev/null)"
if [ -e "$a" ] || [ -L "$a" ]; then echo "aside exists"; fi
if [ -e "$s" ] || [ -L "$s" ]; then echo "staged $(sha256sum < "$s" | cut -d' ' -f1)"; fi
`
	res, err := h.Exec(ctx, steps.ExecRequest{Command: script})
	if err != nil {
		return nil, fmt.Errorf("etcd_restore: look at %s on %s: %w", m.DataDir, m.Host, err)
	}
	if res.ExitCode != 0 {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: look at %s on %s: exit %d: %s", m.DataDir, m.Host, res.ExitCode, excerpt(res.Stderr))
	}
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "data" && f[1] != "-":
			st.dataExists = true
			st.dataKiB, _ = strconv.ParseInt(f[1], 10, 64)
		case len(f) >= 2 && f[0] == "owner":
			st.owner = f[1]
			if len(f) >= 3 {
				st.ownerName = f[2]
			}
		case len(f) == 2 && f[0] == "aside":
			st.asideExists = true
		case len(f) == 2 && f[0] == "staged":
			st.stagedSHA = f[1]
		}
	}
	if st.owner == "" {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s on %s: neither it nor its parent directory exists", m.DataDir, m.Host)
	}
	st.answering = answering(ctx, h, m)
	return st, nil
}

// addrs are the member's client and peer host:port.
func (m member) addrs() []string {
	out := []string{m.client.Addr}
	if u, err := url.Parse(m.PeerURL); err == nil {
		out = append(out, u.Host)
	}
	return out
}

// answering lists the member's addresses that accept a TCP connection
// from its own host (within 2 s each).
func answering(ctx context.Context, h steps.Host, m member) []string {
	var out []string
	for _, a := range m.addrs() {
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := h.DialContext(dctx, "tcp", a)
		cancel()
		if err == nil {
			c.Close()
			out = append(out, a)
		}
	}
	return out
}
