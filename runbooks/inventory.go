package runbooks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// Inventory is a parsed inventory file (*.mend.hcl, separate from the
// runbook so one runbook serves lab and production): the hosts steps run
// on, with defaults applied, and the SSH files the transport reads.
//
//	defaults { user, port, identity_file | identity_files, known_hosts, ssh_config, sudo, jump, vars }
//	group "name" { vars, jump }
//	host "name" { address, port, user, identity_file | identity_files, groups, sudo, jump, vars }
type Inventory struct {
	Filename string
	Hosts    []*InventoryHost // source order
	// KnownHostsFile and SSHConfigFile are absolute or relative to the
	// working directory (relative paths in the file were resolved against
	// the file's directory, ~ expanded); "" when not set.
	KnownHostsFile, SSHConfigFile string
	Files                         map[string]*hcl.File
}

// LoadInventoryFile reads filename and calls LoadInventory.
func LoadInventoryFile(filename string) (*Inventory, hcl.Diagnostics) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read inventory",
			Detail:   fmt.Sprintf("Reading %s failed: %s.", filename, err),
		}}
	}
	return LoadInventory(filename, src)
}

// LoadInventory parses and checks an inventory: unknown arguments, wrong
// types, port range, duplicate hosts, a host name reused as a group name.
// Every problem is reported; the Inventory is never nil but must not be
// used when the diagnostics have errors.
func LoadInventory(filename string, src []byte) (*Inventory, hcl.Diagnostics) {
	inv := &Inventory{Filename: filename}
	if d := CheckNesting(filename, src); d != nil {
		inv.Files = map[string]*hcl.File{filename: {Bytes: src}}
		return inv, hcl.Diagnostics{d}
	}
	parser := hclparse.NewParser()
	file, diags := parser.ParseHCL(src, filename)
	inv.Files = parser.Files()
	if diags.HasErrors() {
		return inv, diags
	}
	content, moreDiags := file.Body.Content(inventoryFileSchema)
	diags = append(diags, moreDiags...)
	dir := filepath.Dir(filename)
	var defaults hostSettings
	var defaultVars map[string]cty.Value
	var groupBlocks []*groupBlock
	var ownVars []map[string]cty.Value // parallel to inv.Hosts
	var defaultsBlock *hcl.Block
	var groupRanges []groupRange
	var own []hostSettings // each host's own settings, parallel to inv.Hosts
	seen := map[string]*InventoryHost{}
	for _, block := range content.Blocks {
		switch block.Type {
		case "defaults":
			if defaultsBlock != nil {
				diags = append(diags, duplicateBlock(block, defaultsBlock))
				continue
			}
			defaultsBlock = block
			var d hcl.Diagnostics
			defaults, defaultVars, d = inv.decodeDefaultsBlock(block, dir)
			diags = append(diags, d...)
		case "group":
			g, d := decodeGroupBlock(block)
			diags = append(diags, d...)
			groupBlocks = append(groupBlocks, g)
			groupRanges = append(groupRanges, groupRange{name: g.name, rng: block.LabelRanges[0]})
		case "host":
			h, settings, vars, groups, d := decodeHostBlock(block, dir)
			diags = append(diags, d...)
			if first, dup := seen[h.Name]; dup {
				diags = append(diags, duplicateHost(h, first))
				continue
			}
			seen[h.Name] = h
			inv.Hosts = append(inv.Hosts, h)
			own = append(own, settings)
			ownVars = append(ownVars, vars)
			groupRanges = append(groupRanges, groups...)
		}
	}
	groups, d := checkGroupBlocks(groupBlocks, inv)
	diags = append(diags, d...)
	for i, h := range inv.Hosts {
		own[i].withGroupJump(h, groups).over(defaults).applyTo(h)
		mergeVars(h, defaultVars, groups, ownVars[i])
	}
	diags = append(diags, checkGroupNames(groupRanges, seen)...)
	return inv, diags
}

// groupRange is one group name a host declared, with where it did.
type groupRange struct {
	name string
	rng  hcl.Range
}

// checkGroupNames rejects a group named like a host: `on = ["x"]` must
// mean one thing.
func checkGroupNames(groups []groupRange, hosts map[string]*InventoryHost) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, g := range groups {
		if h, clash := hosts[g.name]; clash {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Group name is a host name",
				Detail: fmt.Sprintf("%q is the name of the host declared at %s, so it cannot also name a group: "+
					"a name in a step's on argument must mean one thing. Rename the group.", g.name, h.DeclRange),
				Subject: g.rng.Ptr(),
			})
		}
	}
	return diags
}

func duplicateHost(h, first *InventoryHost) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate host",
		Detail:   fmt.Sprintf("A host named %q was already declared at %s. Host names must be unique: remove or rename one.", h.Name, first.DeclRange),
		Subject:  h.DeclRange.Ptr(),
	}
}

// resolvePath expands a leading ~ and makes a relative path relative to
// the inventory file's directory.
func resolvePath(p, dir string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot expand ~: %w", err)
		}
		return filepath.Join(home, p[1:]), nil
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p), nil
	}
	return filepath.Join(dir, p), nil
}

var inventoryFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "defaults"},
		{Type: "group", LabelNames: []string{"name"}},
		{Type: "host", LabelNames: []string{"name"}},
	},
}
