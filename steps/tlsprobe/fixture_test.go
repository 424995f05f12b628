package tlsprobe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// lab is the incident in miniature: etcd's certificate is signed by CA1
// ("Puppet CA: lab"); CA2 has the same name and another key; client
// certificates come from a separate client CA.
type lab struct {
	ca1, ca2, clientCA     *certstest.CA
	etcd, expired, wrongNm certstest.Cert
	client, rogueClient    certstest.Cert
	files                  map[string]string // name -> path on the local host
}

func newLab(t *testing.T) *lab {
	dir := t.TempDir()
	l := &lab{
		ca1:      certstest.NewCA(t, "Puppet CA: lab"),
		ca2:      certstest.NewCA(t, "Puppet CA: lab"),
		clientCA: certstest.NewCA(t, "etcd client CA"),
	}
	l.etcd = l.ca1.Issue(t, certstest.Options{CommonName: "etcd-01", IPs: []string{"127.0.0.1"}, DNSNames: []string{"etcd-01.example"}})
	l.expired = l.ca1.Issue(t, certstest.Options{CommonName: "etcd-old", IPs: []string{"127.0.0.1"},
		NotBefore: time.Now().Add(-72 * time.Hour), Validity: 24 * time.Hour})
	l.wrongNm = l.ca1.Issue(t, certstest.Options{CommonName: "etcd.example", DNSNames: []string{"etcd.example"}})
	l.client = l.clientCA.Issue(t, certstest.Options{CommonName: "kube-apiserver", Client: true})
	l.rogueClient = l.ca2.Issue(t, certstest.Options{CommonName: "kube-apiserver", Client: true})
	l.files = map[string]string{
		"ca1":        certstest.WriteFile(t, dir, "ca1.pem", l.ca1.PEM()),
		"ca2":        certstest.WriteFile(t, dir, "ca2.pem", l.ca2.PEM()),
		"client":     certstest.WriteFile(t, dir, "client.pem", l.client.PEM()),
		"client.key": certstest.WriteFile(t, dir, "client.key", l.client.KeyPEM(t)),
		"rogue":      certstest.WriteFile(t, dir, "rogue.pem", l.rogueClient.PEM()),
		"rogue.key":  certstest.WriteFile(t, dir, "rogue.key", l.rogueClient.KeyPEM(t)),
	}
	return l
}

func (l *lab) clientPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(l.clientCA.Cert.Cert)
	return p
}

func (l *lab) etcdTLS() tls.Certificate { return l.etcd.TLS() }

// inventory resolves names to local hosts of that name.
type inventory map[string]steps.Host

func (inv inventory) Host(_ context.Context, name string) (steps.Host, error) {
	if h, ok := inv[name]; ok {
		return h, nil
	}
	return nil, steps.Errorf(steps.ClassConfig, "host %q is not in the inventory", name)
}

func localInventory() inventory {
	return inventory{"master": local.Host{Name: "master"}, "etcd": local.Host{Name: "etcd"}}
}

func refs(vals ...cty.Value) cty.Value { return cty.TupleVal(vals) }

func onHost(host, path string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal(host), "path": cty.StringVal(path)})
}
