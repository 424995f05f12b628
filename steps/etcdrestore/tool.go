package etcdrestore

import (
	"context"
	"fmt"
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
	case want != "auto" && has[want]:
		return tool{name: want}, nil
	case want != "auto":
		return tool{}, steps.Errorf(steps.ClassStep, "etcd_restore: tool = %q, but %s has no %s on PATH", want, h.Info().Name, want)
	case has["etcdutl"]:
		return tool{name: "etcdutl"}, nil
	case has["etcdctl"]:
		return tool{name: "etcdctl"}, nil
	}
	return tool{}, steps.Errorf(steps.ClassStep, "etcd_restore: %s has neither etcdutl nor etcdctl on PATH: install the etcd client tools of the cluster's version", h.Info().Name)
}
