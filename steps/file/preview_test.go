package file

import (
	"context"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestPlanPreviewGolden renders the preview of a file change (summary,
// changes, diff) and compares it with testdata/<case>.golden. The path in
// the preview is replaced by /PATH so the files do not depend on the temp
// dir.
func TestPlanPreviewGolden(t *testing.T) {
	puppetCA := newTestCA(t, "Puppet CA: puppet.example", 1)
	etcdCA := newTestCA(t, "Puppet CA: puppet.example", 2) // same name, another key
	otherCA := newTestCA(t, "etcd-ca", 3)
	config := "# managed by mend\nlisten 127.0.0.1:2379\ndata-dir /var/lib/etcd\nname etcd-01\n" +
		"initial-cluster-state existing\nsnapshot-count 10000\nheartbeat-interval 100\n"
	kubeconf := func(key string) string {
		return string(kubeconfig(otherCA.certPEM, "    client-key-data: "+base64.StdEncoding.EncodeToString([]byte(key))+"\n"))
	}
	tests := []struct {
		name      string
		existing  string // "" with !exists: no file
		exists    bool
		cfg       Config
		sensitive bool   // PlanRequest.SensitiveConfig
		secret    string // must not appear in the preview
	}{
		{name: "update_lines", exists: true, existing: config,
			cfg: Config{Content: ptr(strings.Replace(config, "existing", "new", 1) + "election-timeout 1000\n"), Mode: "0600"}},
		{name: "new_file", cfg: Config{Content: ptr("one\ntwo\n")}},
		{name: "final_newline_only", exists: true, existing: "a\nb", cfg: Config{Content: ptr("a\nb\n")}},
		{name: "ca_same_name_other_key", exists: true, existing: puppetCA.certPEM,
			cfg: Config{Content: ptr(etcdCA.certPEM), Backup: true}},
		{name: "ca_bundle_adds_one", exists: true, existing: puppetCA.certPEM,
			cfg: Config{Content: ptr(puppetCA.certPEM + otherCA.certPEM)}},
		{name: "private_key_hidden", exists: true, existing: puppetCA.certPEM + puppetCA.keyPEM,
			cfg: Config{Content: ptr(etcdCA.certPEM + etcdCA.keyPEM), Mode: "0600"}},
		{name: "mode_only", exists: true, existing: "x\n", cfg: Config{Content: ptr("x\n"), Mode: "0640"}},
		// A base64 key in a kubeconfig is a private key too (review finding).
		{name: "kubeconfig_key_hidden", exists: true, existing: kubeconf(puppetCA.keyPEM),
			cfg: Config{Content: ptr(kubeconf(puppetCA.keyPEM) + "# rotated\n")}, secret: base64.StdEncoding.EncodeToString([]byte(puppetCA.keyPEM))[:40]},
		// The new content derives from a sensitive variable: the old, still
		// valid password on the "-" line must not show (review finding).
		{name: "sensitive_config_hidden", exists: true, existing: "ETCD_USER=root\nETCD_PASSWORD=Old-Live-Pw-123\n",
			cfg: Config{Content: ptr("ETCD_USER=root\nETCD_PASSWORD=NEWSECRET\n")}, sensitive: true, secret: "Old-Live-Pw-123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "etcd.conf")
			if tt.exists {
				writeFile(t, path, tt.existing, 0o644)
			}
			tt.cfg.Path = path
			resp, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &tt.cfg, Host: local.Host{}, SensitiveConfig: tt.sensitive})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			got := strings.ReplaceAll(renderPreview(resp), path, "/PATH")
			if strings.Contains(got, "PRIVATE KEY-----") || strings.Contains(got, "MC4CAQAwBQYDK2Vw") {
				t.Errorf("the preview shows private key material:\n%s", got)
			}
			if tt.secret != "" && strings.Contains(got, tt.secret) {
				t.Errorf("the preview shows %q:\n%s", tt.secret, got)
			}
			compareGolden(t, filepath.Join("testdata", tt.name+".golden"), got)
		})
	}
}

// renderPreview lays a plan response out as plain text.
func renderPreview(resp steps.PlanResponse) string {
	var b strings.Builder
	b.WriteString("action: " + resp.Action.String() + "\nsummary: " + resp.Preview.Summary + "\n")
	for _, c := range resp.Preview.Changes {
		b.WriteString("change: " + c + "\n")
	}
	b.WriteString("diff:\n" + resp.Preview.Diff)
	return b.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// writeFile creates path with content and exactly mode.
func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
