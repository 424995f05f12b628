package main

import (
	"fmt"
	"testing"

	"github.com/mend-sh/mend/runbooks"
)

// TestConnectorJump: an inventory jump is parsed into hops; a hop naming
// an inventory host takes that host's settings (and its own jump); any
// other hop is left to the OpenSSH config.
func TestConnectorJump(t *testing.T) {
	inv, diags := runbooks.LoadInventory("i.mend.hcl", []byte(`
host "gw" {
  address       = "192.0.2.1"
  user          = "jump"
  identity_file = "/keys/gw"
  sudo          = true
  jump          = "outer"
}
host "app" {
  address = "10.0.0.5"
  jump    = "gw,ops@other:2200"
}
host "direct" {
  address = "10.0.0.6"
  jump    = "none"
}
`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	c := &connector{inv: inv}
	app, err := c.target(inv.Host("app"), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%+v", app.Jump)
	want := "[{Name:gw Address:192.0.2.1 Port:0 User:jump IdentityFiles:[/keys/gw] Sudo:false IdentitiesOnly:false Jump:[{Name:outer Address: Port:0 User: IdentityFiles:[] Sudo:false IdentitiesOnly:false Jump:[] depth:0}] depth:0} {Name:other Address: Port:2200 User:ops IdentityFiles:[] Sudo:false IdentitiesOnly:false Jump:[] depth:0}]"
	if got != want {
		t.Errorf("app's jump:\n got  %s\n want %s", got, want)
	}
	d, err := c.target(inv.Host("direct"), 0)
	if err != nil || d.Jump == nil || len(d.Jump) != 0 {
		t.Errorf("jump none: %#v, %v; want an empty non-nil chain", d.Jump, err)
	}
}
