package runbooks

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeDefaultsBlock reads the defaults block: settings every host
// inherits unless it sets its own, and the SSH files of the inventory.
func (inv *Inventory) decodeDefaultsBlock(block *hcl.Block, dir string) (hostSettings, map[string]cty.Value, hcl.Diagnostics) {
	content, diags := block.Body.Content(defaultsBlockSchema)
	s, d := decodeHostSettings(content, dir)
	diags = append(diags, d...)
	var vars map[string]cty.Value
	if attr, ok := content.Attributes["vars"]; ok {
		var d hcl.Diagnostics
		vars, d = decodeVars(attr.Expr)
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["known_hosts"]; ok {
		var d hcl.Diagnostics
		inv.KnownHostsFile, d = decodePath(attr.Expr, "known_hosts path", dir)
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["ssh_config"]; ok {
		var d hcl.Diagnostics
		inv.SSHConfigFile, d = decodePath(attr.Expr, "ssh_config path", dir)
		diags = append(diags, d...)
	}
	return s, vars, diags
}

// decodeHostSettings reads the settings a host block and the defaults
// block share.
func decodeHostSettings(content *hcl.BodyContent, dir string) (hostSettings, hcl.Diagnostics) {
	var s hostSettings
	var diags hcl.Diagnostics
	if attr, ok := content.Attributes["user"]; ok {
		u, d := constString(attr.Expr, "user")
		diags = append(diags, d...)
		s.user = &u
	}
	if attr, ok := content.Attributes["port"]; ok {
		p, valid, d := constInt(attr.Expr, "port", 1, 65535)
		diags = append(diags, d...)
		if valid {
			s.port = &p
		}
	}
	if attr, ok := content.Attributes["sudo"]; ok {
		b, d := constBool(attr.Expr, "sudo argument")
		diags = append(diags, d...)
		s.sudo = &b
	}
	if attr, ok := content.Attributes["jump"]; ok {
		j, d := decodeJump(attr.Expr)
		diags = append(diags, d...)
		s.jump = &j
	}
	files, d := decodeIdentityFiles(content, dir)
	s.identityFiles = files
	return s, append(diags, d...)
}

// decodeIdentityFiles reads identity_file or identity_files (not both).
func decodeIdentityFiles(content *hcl.BodyContent, dir string) ([]string, hcl.Diagnostics) {
	one, hasOne := content.Attributes["identity_file"]
	many, hasMany := content.Attributes["identity_files"]
	switch {
	case hasOne && hasMany:
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Conflicting arguments",
			Detail:   fmt.Sprintf("Use identity_file or identity_files, not both; identity_file is set at %s.", one.Range),
			Subject:  many.Range.Ptr(),
		}}
	case hasOne:
		p, diags := decodePath(one.Expr, "identity_file path", dir)
		return []string{p}, diags
	case hasMany:
		v, diags := constValue(many.Expr, "identity_files argument", cty.List(cty.String))
		if v == cty.NilVal {
			return nil, diags
		}
		files := []string{}
		for _, e := range v.AsValueSlice() {
			if e.IsNull() {
				continue
			}
			p, err := resolvePath(e.AsString(), dir)
			if err != nil {
				diags = append(diags, pathError(many.Expr, err))
				continue
			}
			files = append(files, p)
		}
		return files, diags
	}
	return nil, nil
}

// decodePath reads a constant path, expanding ~ and resolving it against
// the inventory's directory.
func decodePath(expr hcl.Expression, what, dir string) (string, hcl.Diagnostics) {
	s, diags := constString(expr, what)
	if diags.HasErrors() {
		return "", diags
	}
	p, err := resolvePath(s, dir)
	if err != nil {
		return "", append(diags, pathError(expr, err))
	}
	return p, diags
}

func pathError(expr hcl.Expression, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid path",
		Detail:   fmt.Sprintf("The path cannot be resolved: %s.", err),
		Subject:  expr.Range().Ptr(),
	}
}

var hostSettingsAttributes = []hcl.AttributeSchema{
	{Name: "user"},
	{Name: "port"},
	{Name: "identity_file"},
	{Name: "identity_files"},
	{Name: "sudo"},
	{Name: "jump"},
}

// decodeJump reads a jump chain: "none", or comma-separated
// [user@]host[:port] hops (the transport parses each hop).
func decodeJump(expr hcl.Expression) (string, hcl.Diagnostics) {
	s, diags := constString(expr, "jump")
	if diags.HasErrors() {
		return "", diags
	}
	for _, hop := range strings.Split(s, ",") {
		if strings.TrimSpace(hop) == "" || strings.ContainsAny(hop, " \t\n") {
			return "", append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid jump",
				Detail:   fmt.Sprintf("%q is not a jump chain: use \"[user@]host[:port]\" hops separated by commas (an inventory host name uses that host's settings), or \"none\" for a direct connection.", s),
				Subject:  expr.Range().Ptr(),
			})
		}
	}
	return s, diags
}

var defaultsBlockSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{
		{Name: "known_hosts"},
		{Name: "ssh_config"},
		{Name: "vars"},
	}, hostSettingsAttributes...),
}
