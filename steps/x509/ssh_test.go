package x509step_test

import (
	"context"
	"testing"

	"github.com/mend-sh/mend/internal/certs"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// TestCompareThroughSSH reads a from a host reached through a real OpenSSH
// sshd and b from another (local) inventory host, with no target host:
// the runbook's x509_compare has no `on`.
func TestCompareThroughSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	dir := t.TempDir()
	ca1, ca2 := certstest.NewCA(t, "Puppet CA: lab"), certstest.NewCA(t, "Puppet CA: lab")
	a := certstest.WriteFile(t, dir, "master-ca.pem", ca1.PEM())
	b := certstest.WriteFile(t, dir, "etcd-ca.pem", ca2.PEM())
	inv := newInventory("etcd")
	inv[h.Info().Name] = h
	cfg := &x509step.CompareConfig{A: ref(h.Info().Name, a), B: ref("etcd", b)}
	resp, err := x509step.Compare{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Hosts: inv})
	if err != nil {
		t.Fatal(err)
	}
	want := compared{SameSubject: true, Verdict: "same name, different key", AHost: h.Info().Name, BHost: "etcd"}
	if diff := cmp.Diff(want, readCompared(resp.Output)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := resp.Output.GetAttr("a").GetAttr("sha256_fingerprint"); !got.RawEquals(cty.StringVal(certs.Fingerprint(ca1.Cert.Cert))) {
		t.Errorf("a.sha256_fingerprint = %#v, want ca1's", got)
	}
}
