package runbooks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mend-sh/mend/internal/markers"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestInvalidInventories(t *testing.T) {
	for _, file := range markers.Files(t, "testdata/inventory/invalid/*.mend.hcl") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := markers.Want(t, src)
			_, diags := LoadInventory(file, src)
			if diff := cmp.Diff(want, markers.Got(t, file, diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nfull:\n%s", diff, markers.Render(diags, file, src))
			}
		})
	}
}

// TestLoadInventory checks defaults, ~ expansion and path resolution
// against the inventory file's directory.
func TestLoadInventory(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory to expand ~ against")
	}
	const file = "testdata/inventory/valid/lab.mend.hcl"
	inv, diags := LoadInventoryFile(file)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	dir := filepath.Dir(file)
	want := []InventoryHost{
		{Name: "k8s-master-01", Address: "127.0.0.11", Port: 2222, User: "root",
			IdentityFiles: []string{filepath.Join(dir, "keys/id_ed25519")}, Groups: []string{"masters", "puppet"}},
		{Name: "etcd-01", Address: "127.0.0.21", Port: 22, User: "admin",
			IdentityFiles: []string{"/etc/mend/id_a", filepath.Join(home, "id_b")}, Groups: []string{"etcd", "puppet"}, Sudo: true},
		{Name: "etcd-02", Address: "127.0.0.22", Port: 2222, User: "root",
			IdentityFiles: []string{filepath.Join(dir, "keys/id_ed25519")}, Groups: []string{"etcd"}},
		{Name: "bastion-alias", Port: 2222, User: "root", IdentityFiles: []string{filepath.Join(dir, "keys/id_ed25519")}},
	}
	var got []InventoryHost
	for _, h := range inv.Hosts {
		c := *h
		if c.DeclRange.Filename != file || c.DeclRange.Start.Line == 0 {
			t.Errorf("host %s has no DeclRange: %v", h.Name, c.DeclRange)
		}
		c.DeclRange = want[0].DeclRange
		got = append(got, c)
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(InventoryHost{}, "Vars")); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	if inv.KnownHostsFile != filepath.Join(dir, "known_hosts") || inv.SSHConfigFile != filepath.Join(home, ".ssh/config") {
		t.Errorf("known_hosts %q, ssh_config %q", inv.KnownHostsFile, inv.SSHConfigFile)
	}
	if diff := cmp.Diff([]string{"masters", "puppet", "etcd"}, inv.Groups()); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestResolve(t *testing.T) {
	inv, diags := LoadInventoryFile("testdata/inventory/valid/lab.mend.hcl")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	tests := []struct {
		name  string
		names []string
		want  []string
		err   string
	}{
		{"host", []string{"etcd-02"}, []string{"etcd-02"}, ""},
		{"group in inventory order", []string{"etcd"}, []string{"etcd-01", "etcd-02"}, ""},
		{"first seen order, deduplicated", []string{"etcd-02", "puppet", "etcd"}, []string{"etcd-02", "k8s-master-01", "etcd-01"}, ""},
		{"nothing", nil, nil, ""},
		{"unknown suggests", []string{"etcd", "etcd-2"}, nil,
			`no host or group named "etcd-2" in inventory testdata/inventory/valid/lab.mend.hcl (did you mean "etcd-02"?)`},
		{"unknown group", []string{"masterz"}, nil,
			`no host or group named "masterz" in inventory testdata/inventory/valid/lab.mend.hcl (did you mean "masters"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hosts, err := inv.Resolve(tt.names)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.err {
				t.Fatalf("error:\n got  %q\n want %q", gotErr, tt.err)
			}
			var got []string
			for _, h := range hosts {
				got = append(got, h.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hosts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInventoryVars: a host's vars are the defaults', overridden by its
// groups' in the order of its groups list, overridden by its own.
func TestInventoryVars(t *testing.T) {
	inv, diags := LoadInventoryFile("testdata/inventory/valid/vars.mend.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := map[string]string{
		"etcd-01": `cty.ObjectVal(map[string]cty.Value{"data_dir":cty.StringVal("/var/lib/etcd"), "member_name":cty.StringVal("etcd-01"), "port":cty.NumberIntVal(12379), "service":cty.StringVal("etcd-canary"), "tls":cty.ObjectVal(map[string]cty.Value{"ca":cty.StringVal("/etc/etcd/ca.pem")})})`,
		"etcd-02": `cty.ObjectVal(map[string]cty.Value{"data_dir":cty.StringVal("/var/lib/etcd"), "port":cty.NumberIntVal(2379), "service":cty.StringVal("etcd-member"), "tls":cty.ObjectVal(map[string]cty.Value{"ca":cty.StringVal("/etc/etcd/ca.pem")})})`,
		"web":     `cty.ObjectVal(map[string]cty.Value{"data_dir":cty.StringVal("/var/lib/etcd"), "port":cty.NumberIntVal(2379), "service":cty.StringVal("etcd")})`,
	}
	for _, h := range inv.Hosts {
		if got := h.Vars.GoString(); got != want[h.Name] {
			t.Errorf("%s vars:\n got  %s\n want %s", h.Name, got, want[h.Name])
		}
		if got := HostValue(h).GetAttr("vars"); !got.RawEquals(h.Vars) {
			t.Errorf("%s: host.vars = %#v, want the inventory's", h.Name, got)
		}
	}
}

// TestInventoryJump: a host's jump is its own, else the last of its groups
// (in its groups list) that sets one, else the defaults'; "none" is kept
// (a direct connection), and a malformed chain is an error.
func TestInventoryJump(t *testing.T) {
	src := `
defaults {
  jump = "bastion"
}
group "dmz" {
  jump = "ops@dmz-gw:2222"
}
group "lab" {
  jump = "gw1,gw2"
}
host "bastion" {
  address = "192.0.2.1"
  jump    = "none"
}
host "a" {
  groups = ["lab", "dmz"]
}
host "b" {
  groups = ["dmz", "lab"]
}
host "c" {
  groups = ["lab"]
  jump   = "own"
}
host "d" {
}
`
	inv, diags := LoadInventory("jump.mend.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := map[string]string{"bastion": "none", "a": "ops@dmz-gw:2222", "b": "gw1,gw2", "c": "own", "d": "bastion"}
	for _, h := range inv.Hosts {
		if h.Jump != want[h.Name] {
			t.Errorf("%s: jump %q, want %q", h.Name, h.Jump, want[h.Name])
		}
	}
	_, diags = LoadInventory("bad.mend.hcl", []byte("host \"x\" {\n  jump = \"a,,b\"\n}\n"))
	if !diags.HasErrors() || diags[0].Summary != "Invalid jump" {
		t.Errorf("a,,b: %v", diags)
	}
}
