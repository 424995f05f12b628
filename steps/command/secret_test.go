package command

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// marks is which output attributes carry steps.SensitiveMark, and the
// details shown.
type marks struct {
	Stdout, Stderr, JSON bool
	Details              []string
}

func marksOf(resp steps.DiagnoseResponse) marks {
	has := func(attr string) bool { return resp.Output.GetAttr(attr).HasMark(steps.SensitiveMark) }
	return marks{Stdout: has("stdout"), Stderr: has("stderr"), JSON: has("json"), Details: resp.Details}
}

// TestSecretOutputIsMarked runs commands that print a private key (a
// review finding: `cat key.pem` put the key in plan and audit) in the
// forms a host holds them, and expects stdout or stderr marked sensitive,
// for the engine to redact, and the key kept out of the details.
func TestSecretOutputIsMarked(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pemFile, derFile := write("key.pem", keyPEM), write("key.der", der)
	kubeconfig := write("admin.conf", []byte("apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: "+
		base64.StdEncoding.EncodeToString(keyPEM)+"\n"))
	hidden := []string{"| " + hiddenText}
	tests := []struct {
		name string
		cfg  DiagnoseConfig
		want marks
	}{
		{"PEM key on stdout", DiagnoseConfig{Command: "cat " + pemFile, ShowOutput: true}, marks{Stdout: true, JSON: true, Details: hidden}},
		{"DER key on stdout", DiagnoseConfig{Command: "cat " + derFile, ShowOutput: true}, marks{Stdout: true, JSON: true, Details: hidden}},
		{"kubeconfig on stdout", DiagnoseConfig{Command: "cat " + kubeconfig, ShowOutput: true}, marks{Stdout: true, JSON: true, Details: hidden}},
		{"key on stderr of a failing command", DiagnoseConfig{Command: "cat " + pemFile + " >&2; exit 1"},
			marks{Stderr: true, Details: []string{"stderr: " + hiddenText}}},
		{"no secret", DiagnoseConfig{Command: "echo -----BEGIN CERTIFICATE-----", ShowOutput: true},
			marks{Details: []string{"| -----BEGIN CERTIFICATE-----"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := Diagnose{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &tt.cfg, Host: local.Host{}})
			assertConforms(t, Diagnose{}.Output(), resp.Output)
			if diff := cmp.Diff(tt.want, marksOf(resp)); diff != "" {
				t.Errorf("marks and details (-want +got):\n%s", diff)
			}
			if text := resp.Summary + strings.Join(resp.Details, "\n"); strings.Contains(text, "PRIVATE KEY") {
				t.Errorf("summary or details show the key: %q", text)
			}
		})
	}
}

// TestRepairSecretOutputIsMarked: a repair's output is marked the same way.
func TestRepairSecretOutputIsMarked(t *testing.T) {
	cfg := RepairConfig{Command: "printf -- '-----BEGIN PRIVATE KEY-----\\nMC4CAQAw\\n-----END PRIVATE KEY-----\\n'"}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if err != nil {
		t.Fatal(err)
	}
	out := resp.Output.GetAttr("stdout")
	if plain, _ := out.Unmark(); !out.HasMark(steps.SensitiveMark) || !strings.Contains(plain.AsString(), "MC4CAQAw") {
		t.Errorf("stdout = %#v, want the key, marked sensitive", out)
	}
}
