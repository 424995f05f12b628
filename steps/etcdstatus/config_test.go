package etcdstatus_test

import (
	"testing"

	"github.com/mend-sh/mend/steps/etcdstatus"
	"github.com/mend-sh/mend/steps/stepstest"
)

// TestConfig decodes block bodies as the engine does and checks
// ValidateConfig's verdict on each.
func TestConfig(t *testing.T) {
	files := "ca_file = \"/etc/etcd/ca.pem\"\ncert_file = \"/etc/etcd/c.pem\"\nkey_file = \"/etc/etcd/c.key\"\n"
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "documented", Type: etcdstatus.Status{}, Src: `endpoints = ["https://etcd-01:2379", "etcd-02:2379"]
dial_timeout = "10s"
call_timeout = "15s"
slow_threshold = "500ms"
samples = 5
interval = "2s"` + "\n" + files},
		{Name: "plain http", Type: etcdstatus.Status{}, Src: "endpoints = [\"http://etcd-01:2379\"]\n" + files,
			WantDiags: refused(`etcd_status: endpoints[0]: endpoint "http://etcd-01:2379": scheme "http": mend talks to etcd over TLS only: use https://`)},
		{Name: "no port", Type: etcdstatus.Status{}, Src: "endpoints = [\"etcd-01\"]\n" + files,
			WantDiags: refused(`etcd_status: endpoints[0]: endpoint "etcd-01": want "https://host:port" or "host:port"`)},
		{Name: "empty", Type: etcdstatus.Status{}, Src: "endpoints = []\n" + files,
			WantDiags: refused(`etcd_status: endpoints is empty: give at least one "https://host:port"`)},
		{Name: "twice", Type: etcdstatus.Status{}, Src: "endpoints = [\"a:1\", \"https://a:1\"]\n" + files,
			WantDiags: refused(`etcd_status: endpoints[1]: "https://a:1" is given twice`)},
		{Name: "no key", Type: etcdstatus.Status{}, Src: "endpoints = [\"a:1\"]\nca_file = \"x\"\ncert_file = \"y\"\nkey_file = \"\"\n",
			WantDiags: refused("etcd_status: ca_file, cert_file and key_file must all be given: mend talks to etcd over mutual TLS")},
		{Name: "bad timeout", Type: etcdstatus.Status{}, Src: "endpoints = [\"a:1\"]\ncall_timeout = \"soon\"\n" + files,
			WantDiags: refused(`etcd_status: call_timeout "soon": want a duration such as "10s" or "1m"`)},
		{Name: "zero samples", Type: etcdstatus.Status{}, Src: "endpoints = [\"a:1\"]\nsamples = 0\n" + files,
			WantDiags: refused("etcd_status: samples = 0: want 1 to 20")},
	})
}
