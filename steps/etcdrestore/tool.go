package etcdrestore

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// tool is the etcd tool that restores on a host.
type tool struct {
	name string // "etcdutl" or "etcdctl"
}

// prefix is the command word(s): etcdctl 3.4 needs ETCDCTL_API=3.
func (t tool) prefix() string {
	if t.name == "etcdctl" {
		return "ETCDCTL_API=3 etcdctl"
	}
	return "etcdutl"
}

// detectTool finds the tool on h: want "auto" takes etcdutl (3.5+, where
// `etcdctl snapshot restore` is deprecated) and else etcdctl (3.4:
// Debian's package has no etcdutl).
func detectTool(ctx context.Context, h steps.Host, want string) (tool, error) {
	res, err := h.Exec(ctx, steps.ExecRequest{Command: "command -v etcdutl || true; echo ==; command -v etcdctl || true"})
	if err != nil {
		return tool{}, fmt.Errorf("etcd_restore: look for etcdutl and etcdctl on %s: %w", h.Info().Name, err)
	}
	utl, ctl, _ := strings.Cut(string(res.Stdout), "==\n")
	has := map[string]bool{"etcdutl": strings.TrimSpace(utl) != "", "etcdctl": strings.TrimSpace(ctl) != ""}
	switch {
	case want == "etcdctl" && has[want]:
		return tool{name: want}, checkEtcdctl(ctx, h)
	case want != "auto" && has[want]:
		return tool{name: want}, nil
	case want != "auto":
		return tool{}, steps.Errorf(steps.ClassStep, "etcd_restore: tool = %q, but %s has no %s on PATH", want, h.Info().Name, want)
	case has["etcdutl"]:
		return tool{name: "etcdutl"}, nil
	case has["etcdctl"]:
		return tool{name: "etcdctl"}, checkEtcdctl(ctx, h)
	}
	return tool{}, steps.Errorf(steps.ClassStep, "etcd_restore: %s has neither etcdutl nor etcdctl on PATH: install the etcd client tools of the cluster's version", h.Info().Name)
}

var (
	etcdctlVersion = regexp.MustCompile(`(?m)^etcdctl version: (\d+)\.(\d+)\.\d+`)
	etcdVersion    = regexp.MustCompile(`(?m)^etcd Version: (\d+)\.(\d+)\.\d+`)
)

// checkEtcdctl refuses to restore with etcdctl older than 3.5 for an etcd
// server of 3.5 or newer on the same host: 3.4's `snapshot restore`
// writes data a 3.6 server does not come up on (seen with 3.6.17: not
// healthy after 90 s), and the cluster would be down with its old data
// dirs moved aside. etcdutl of the server's version restores it. When
// either version cannot be read (etcd not on PATH), nothing is refused.
func checkEtcdctl(ctx context.Context, h steps.Host) error {
	res, err := h.Exec(ctx, steps.ExecRequest{Command: "ETCDCTL_API=3 etcdctl version 2>/dev/null | head -c 4096; echo; etcd --version 2>/dev/null | head -c 4096"})
	if err != nil {
		return fmt.Errorf("etcd_restore: read the etcdctl and etcd versions on %s: %w", h.Info().Name, err)
	}
	ctl, ctlOK := minorOf(etcdctlVersion, res.Stdout)
	srv, srvOK := minorOf(etcdVersion, res.Stdout)
	if !ctlOK || !srvOK || ctl >= 5 || srv < 5 {
		return nil
	}
	return steps.Errorf(steps.ClassStep,
		"etcd_restore: %s would restore with etcdctl 3.%d, but its etcd is 3.%d: a 3.5+ server does not come up on data restored by etcdctl 3.4, and the old data dirs would already be aside. Install etcdutl of the server's version on the members (tool = \"auto\" then picks it)",
		h.Info().Name, ctl, srv)
}

// minorOf reads the minor version of a 3.x release from out.
func minorOf(re *regexp.Regexp, out []byte) (int, bool) {
	m := re.FindSubmatch(out)
	if m == nil || string(m[1]) != "3" {
		return 0, false
	}
	n, err := strconv.Atoi(string(m[2]))
	return n, err == nil
}
