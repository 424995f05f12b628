package runbooks

import (
	"fmt"
)

// Host returns the host named name, or nil.
func (inv *Inventory) Host(name string) *InventoryHost {
	for _, h := range inv.Hosts {
		if h.Name == name {
			return h
		}
	}
	return nil
}

// Resolve turns the names of a step's `on` (host or group names) into
// hosts: a group stands for its hosts in inventory order; the result keeps
// the first-seen order and holds each host once. An unknown name is an
// error naming it, with a suggestion when a host or group is close.
func (inv *Inventory) Resolve(names []string) ([]*InventoryHost, error) {
	var out []*InventoryHost
	seen := map[string]bool{}
	add := func(h *InventoryHost) {
		if !seen[h.Name] {
			seen[h.Name] = true
			out = append(out, h)
		}
	}
	for _, name := range names {
		if h := inv.Host(name); h != nil {
			add(h)
			continue
		}
		members := inv.groupMembers(name)
		if len(members) == 0 {
			err := fmt.Errorf("no host or group named %q in inventory %s", name, inv.Filename)
			if s := nearest(name, inv.names()); s != "" {
				err = fmt.Errorf("%w (did you mean %q?)", err, s)
			}
			return nil, err
		}
		for _, h := range members {
			add(h)
		}
	}
	return out, nil
}

// Groups returns every group name, in order of first appearance.
func (inv *Inventory) Groups() []string {
	var groups []string
	for _, h := range inv.Hosts {
		for _, g := range h.Groups {
			if !contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	return groups
}

func (inv *Inventory) groupMembers(group string) []*InventoryHost {
	var members []*InventoryHost
	for _, h := range inv.Hosts {
		if contains(h.Groups, group) {
			members = append(members, h)
		}
	}
	return members
}

// names lists host and group names, for suggestions.
func (inv *Inventory) names() []string {
	names := inv.Groups()
	for _, h := range inv.Hosts {
		names = append(names, h.Name)
	}
	return names
}
