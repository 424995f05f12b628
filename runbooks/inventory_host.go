package runbooks

import (
	"fmt"
	"net"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// InventoryHost is one `host "name" {}` block with the defaults block
// applied, ~ expanded and relative paths resolved against the inventory
// file's directory.
type InventoryHost struct {
	// Name is what runbooks use in `on` and what the plan shows.
	Name string
	// Address is the hostname or IP to dial, without a port. "" means Name
	// is an alias the transport resolves from the OpenSSH config.
	Address string
	// Port is 0 when neither the host nor the defaults set it: the
	// transport then uses the OpenSSH config's Port, else 22.
	Port int
	// User is "" when unset: the OpenSSH config's User, else the local user.
	User string
	// IdentityFiles is nil when unset: the OpenSSH config's IdentityFile
	// and the agent are used.
	IdentityFiles []string
	Groups        []string
	// Sudo runs commands through sudo -n on this host.
	Sudo bool
	// Jump is the host's jump hosts (bastions) in ProxyJump's syntax,
	// "[user@]host[:port],..." (a hop naming an inventory host uses that
	// host's settings), "none" for a direct connection, or "" when unset:
	// the OpenSSH config's ProxyJump. From the host, else the last of its
	// groups (in its groups list) that sets one, else the defaults.
	Jump string
	// Vars is an object of the host's facts for runbooks (host.vars):
	// defaults, then its groups, then its own (see inventory_vars.go).
	// Never NilVal after LoadInventory.
	Vars      cty.Value
	DeclRange hcl.Range
}

// hostSettings are the arguments a host and the defaults block share;
// nil means not set.
type hostSettings struct {
	user          *string
	port          *int
	identityFiles []string
	sudo          *bool
	jump          *string
}

// over returns s with every unset setting taken from d.
func (s hostSettings) over(d hostSettings) hostSettings {
	if s.user == nil {
		s.user = d.user
	}
	if s.port == nil {
		s.port = d.port
	}
	if s.identityFiles == nil {
		s.identityFiles = d.identityFiles
	}
	if s.sudo == nil {
		s.sudo = d.sudo
	}
	if s.jump == nil {
		s.jump = d.jump
	}
	return s
}

func (s hostSettings) applyTo(h *InventoryHost) {
	if s.user != nil {
		h.User = *s.user
	}
	if s.port != nil {
		h.Port = *s.port
	}
	h.IdentityFiles = s.identityFiles
	if s.sudo != nil {
		h.Sudo = *s.sudo
	}
	if s.jump != nil {
		h.Jump = *s.jump
	}
}

// withGroupJump takes the jump of the last of h's groups that sets one,
// unless s has its own.
func (s hostSettings) withGroupJump(h *InventoryHost, groups map[string]*groupBlock) hostSettings {
	for i := len(h.Groups) - 1; i >= 0 && s.jump == nil; i-- {
		if g := groups[h.Groups[i]]; g != nil {
			s.jump = g.jump
		}
	}
	return s
}

func decodeHostBlock(block *hcl.Block, dir string) (*InventoryHost, hostSettings, map[string]cty.Value, []groupRange, hcl.Diagnostics) {
	h := &InventoryHost{Name: block.Labels[0], DeclRange: block.DefRange}
	var diags hcl.Diagnostics
	if strings.TrimSpace(h.Name) == "" || strings.ContainsAny(h.Name, " \t\n") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid host name",
			Detail:   fmt.Sprintf("%q cannot name a host: a host name must be non-empty and contain no spaces.", h.Name),
			Subject:  block.LabelRanges[0].Ptr(),
		})
	}
	content, moreDiags := block.Body.Content(hostBlockSchema)
	diags = append(diags, moreDiags...)
	own, d := decodeHostSettings(content, dir)
	diags = append(diags, d...)
	if attr, ok := content.Attributes["address"]; ok {
		var d hcl.Diagnostics
		h.Address, d = decodeAddress(attr.Expr)
		diags = append(diags, d...)
	}
	var vars map[string]cty.Value
	if attr, ok := content.Attributes["vars"]; ok {
		var d hcl.Diagnostics
		vars, d = decodeVars(attr.Expr)
		diags = append(diags, d...)
	}
	var groups []groupRange
	if attr, ok := content.Attributes["groups"]; ok {
		var d hcl.Diagnostics
		groups, d = decodeGroups(attr.Expr)
		diags = append(diags, d...)
		for _, g := range groups {
			if !contains(h.Groups, g.name) {
				h.Groups = append(h.Groups, g.name)
			}
		}
	}
	return h, own, vars, groups, diags
}

func decodeAddress(expr hcl.Expression) (string, hcl.Diagnostics) {
	addr, diags := constString(expr, "address")
	if diags.HasErrors() {
		return "", diags
	}
	if _, port, err := net.SplitHostPort(addr); err == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid address",
			Detail:   fmt.Sprintf("The address %q includes a port; set the address without it and use port = %s.", addr, port),
			Subject:  expr.Range().Ptr(),
		})
	} else if strings.TrimSpace(addr) == "" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid address",
			Detail:   "The address is empty. Remove it to resolve the host name through the OpenSSH config.",
			Subject:  expr.Range().Ptr(),
		})
	}
	return addr, diags
}

// decodeGroups reads a list of group names, each with its own range when
// written as a list literal.
func decodeGroups(expr hcl.Expression) ([]groupRange, hcl.Diagnostics) {
	v, diags := constValue(expr, "groups argument", cty.List(cty.String))
	if v == cty.NilVal {
		return nil, diags
	}
	var elems []hclsyntax.Expression
	if tuple, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		elems = tuple.Exprs
	}
	var groups []groupRange
	for i, e := range v.AsValueSlice() {
		rng := expr.Range()
		if i < len(elems) {
			rng = elems[i].Range()
		}
		if e.IsNull() || strings.TrimSpace(e.AsString()) == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid group name",
				Detail:   "A group name must be a non-empty string.",
				Subject:  rng.Ptr(),
			})
			continue
		}
		groups = append(groups, groupRange{name: e.AsString(), rng: rng})
	}
	return groups, diags
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var hostBlockSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{
		{Name: "address"},
		{Name: "groups"},
		{Name: "vars"},
	}, hostSettingsAttributes...),
}
