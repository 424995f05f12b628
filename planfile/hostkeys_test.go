package planfile

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// Apply of a saved plan runs with the plan's own -var options; on the
// command line only sensitive variables (never kept in the plan) may be
// given again.
func TestApplyVarArgs(t *testing.T) {
	p := &Plan{VarArgs: []string{"unit=etcd"}, Vars: []Var{{Name: "unit"}, {Name: "token", Sensitive: true}}}
	got, err := p.ApplyVarArgs([]string{"token=s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"unit=etcd", "token=s3cret"}, got); d != "" {
		t.Errorf("args (-want +got):\n%s", d)
	}
	if _, err := p.ApplyVarArgs([]string{"unit=nginx"}); err == nil || !strings.Contains(err.Error(), "-var unit: a saved plan fixes its inputs") {
		t.Errorf("changing a kept input: %v", err)
	}
}

// keyed is a local host presenting a chosen host key.
type keyed struct {
	local.Host
	fp string
}

func (k keyed) Info() steps.HostInfo {
	i := k.Host.Info()
	i.HostKeyFingerprint = k.fp
	return i
}

type keyedConnector map[string]string

func (c keyedConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	return keyed{local.Host{Name: h.Name}, c[h.Name]}, nil
}

// Recording, HostKeys keeps the key each host presented; applying a plan,
// it refuses a host whose key changed and a host gone from the inventory.
func TestHostKeys(t *testing.T) {
	conn := keyedConnector{"a": "SHA256:aaa", "b": "SHA256:bbb"}
	inv := &runbooks.Inventory{Hosts: []*runbooks.InventoryHost{{Name: "a"}, {Name: "b"}}}
	rec := &HostKeys{Inner: conn}
	for _, h := range inv.Hosts {
		if _, err := rec.Connect(context.Background(), h); err != nil {
			t.Fatal(err)
		}
	}
	if d := cmp.Diff(map[string]string{"a": "SHA256:aaa", "b": "SHA256:bbb"}, rec.Seen()); d != "" {
		t.Fatalf("seen (-want +got):\n%s", d)
	}
	p := &Plan{Hosts: []Host{{Name: "a", HostKey: "SHA256:aaa"}, {Name: "b", HostKey: "SHA256:old"}, {Name: "gone", HostKey: "SHA256:ggg"}}}
	err := (&HostKeys{Inner: conn, Plan: p}).CheckAll(context.Background(), inv)
	d, ok := err.(Drift)
	if !ok || len(d) != 2 || !strings.Contains(d[0], "b") || d[1] != "host gone of the plan is not in the inventory" {
		t.Fatalf("CheckAll: %v", err)
	}
}
