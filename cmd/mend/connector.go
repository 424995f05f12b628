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
	inv  *runbooks.Inventory
}

func newConnector(o runOptions, inv *runbooks.Inventory) *connector {
	cfg := sshx.Config{
		KnownHostsFile: o.knownHosts,
		SSHConfigFile:  o.sshConfig,
		AcceptNew:      o.acceptNew,
		UseAgent:       o.useAgent,
		ConnectTimeout: o.connectTimeout,
		MaxConnections: o.maxConnections,
	}
	if inv != nil {
		if cfg.KnownHostsFile == "" {
			cfg.KnownHostsFile = inv.KnownHostsFile
		}
		if cfg.SSHConfigFile == "" {
			cfg.SSHConfigFile = inv.SSHConfigFile
		}
	}
	return &connector{pool: sshx.NewPool(cfg), inv: inv}
}

// Connect implements engine.Connector.
func (c *connector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	if h.Address == local.DefaultName {
		return local.Host{Name: h.Name}, nil
	}
	t, err := c.target(h, 0)
	if err != nil {
		return nil, err
	}
	return c.pool.Host(ctx, t)
}

// Release implements engine.Releaser: the engine is done with mh.
func (c *connector) Release(h *runbooks.InventoryHost, mh steps.MutableHost) {
	if th, ok := mh.(*sshx.Host); ok {
		c.pool.Release(th)
	}
}

// Retire implements engine.Releaser: no later step goes to h.
func (c *connector) Retire(h *runbooks.InventoryHost) {
	if h.Address == local.DefaultName {
		return
	}
	if t, err := c.target(h, 0); err == nil {
		c.pool.Retire(t)
	}
}

// target is the transport target for h. Its jump chain is parsed here: a
// hop that names an inventory host (with no user or port of its own) is
// reached with that host's settings, including its own jump; any other
// hop is resolved through the OpenSSH config, as ssh -J does.
func (c *connector) target(h *runbooks.InventoryHost, depth int) (sshx.Target, error) {
	t := sshx.Target{
		Name: h.Name, Address: h.Address, Port: h.Port, User: h.User,
		IdentityFiles: h.IdentityFiles, Sudo: h.Sudo,
	}
	if h.Jump == "" {
		return t, nil
	}
	if depth > 8 {
		return t, steps.Errorf(steps.ClassConfig, "inventory host %s: jump hosts nested more than 8 deep (does a jump lead back to itself?)", h.Name)
	}
	hops, err := sshx.ParseJump(h.Jump)
	if err != nil {
		return t, err
	}
	for i, hop := range hops {
		if ih := c.inventoryHost(hop); ih != nil {
			if hops[i], err = c.target(ih, depth+1); err != nil {
				return t, err
			}
			hops[i].Sudo = false
		}
	}
	t.Jump = hops
	return t, nil
}

func (c *connector) inventoryHost(hop sshx.Target) *runbooks.InventoryHost {
	if c.inv == nil || hop.User != "" || hop.Port != 0 {
		return nil
	}
	return c.inv.Host(hop.Name)
}

func (c *connector) Close() error { return c.pool.Close() }
