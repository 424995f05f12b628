package main

import (
	"context"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	sshx "github.com/mend-sh/mend/transport/ssh"
)

// connector reaches inventory hosts: over SSH (one pooled connection per
// host), or the machine mend runs on for a host whose address is "local".
type connector struct {
	pool *sshx.Pool
}

func newConnector(o runOptions, inv *runbooks.Inventory) *connector {
	cfg := sshx.Config{
		KnownHostsFile: o.knownHosts,
		SSHConfigFile:  o.sshConfig,
		AcceptNew:      o.acceptNew,
		UseAgent:       o.useAgent,
		ConnectTimeout: o.connectTimeout,
	}
	if inv != nil {
		if cfg.KnownHostsFile == "" {
			cfg.KnownHostsFile = inv.KnownHostsFile
		}
		if cfg.SSHConfigFile == "" {
			cfg.SSHConfigFile = inv.SSHConfigFile
		}
	}
	return &connector{pool: sshx.NewPool(cfg)}
}

// Connect implements engine.Connector.
func (c *connector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	if h.Address == local.DefaultName {
		return local.Host{Name: h.Name}, nil
	}
	return c.pool.Host(ctx, sshx.Target{
		Name: h.Name, Address: h.Address, Port: h.Port, User: h.User,
		IdentityFiles: h.IdentityFiles, Sudo: h.Sudo,
	})
}

func (c *connector) Close() error { return c.pool.Close() }
