package file

import (
	"context"
	"encoding/base64"
	"fmt"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	me := names(t)
	ca := newTestCA(t, "Puppet CA", 1)
	writeFile(t, filepath.Join(dir, "ca.pem"), ca.certPEM, 0o644)
	writeFile(t, filepath.Join(dir, "bin"), "a\xffb", 0o600)
	tests := []struct {
		name        string
		file        string
		want        cty.Value
		wantSummary string
		wantDetails []string
	}{
		{name: "certificate", file: "ca.pem",
			want:        readVal(true, ca.certPEM, sha256Hex([]byte(ca.certPEM)), "0644", me[0], me[1], len(ca.certPEM)),
			wantSummary: fmt.Sprint(len(ca.certPEM)) + " bytes, 0644 " + me[0] + ":" + me[1] + ", sha256 " + sha256Hex([]byte(ca.certPEM))[:12] + "…",
			wantDetails: []string{`certificate: subject "CN=Puppet CA", issuer "CN=Puppet CA", sha256 ` + opensslFingerprint(mustDER(t, ca.certPEM)) + ", notAfter 2034-01-01T00:00:00Z"}},
		{name: "not UTF-8: content replaced, digest and size of the raw bytes", file: "bin",
			want:        readVal(true, "a\uFFFDb", sha256Hex([]byte("a\xffb")), "0600", me[0], me[1], 3),
			wantSummary: "3 bytes, 0600 " + me[0] + ":" + me[1] + ", sha256 " + sha256Hex([]byte("a\xffb"))[:12] + "…"},
		{name: "missing", file: "missing",
			want:        readVal(false, "", "", "", "", "", 0),
			wantSummary: filepath.Join(dir, "missing") + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ReadConfig{Path: filepath.Join(dir, tt.file)}
			resp, err := Read{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: local.Host{}})
			if err != nil {
				t.Fatalf("Diagnose: %v", err)
			}
			if errs := resp.Output.Type().TestConformance(Read{}.Output()); len(errs) > 0 {
				t.Errorf("output does not conform: %v", errs)
			}
			want := steps.DiagnoseResponse{Output: tt.want, Summary: tt.wantSummary, Details: tt.wantDetails}
			if diff := cmp.Diff(want, resp, cmp.Comparer(cty.Value.RawEquals)); diff != "" {
				t.Errorf("Diagnose (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadDirectoryIsAnError(t *testing.T) {
	cfg := ReadConfig{Path: t.TempDir()}
	if _, err := (Read{}).Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: local.Host{}}); err == nil {
		t.Error("Diagnose of a directory succeeded")
	}
}

func readVal(exists bool, content, sum, mode, owner, group string, size int) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"exists": cty.BoolVal(exists), "content": cty.StringVal(content), "sha256": cty.StringVal(sum),
		"mode": cty.StringVal(mode), "owner": cty.StringVal(owner), "group": cty.StringVal(group),
		"size": cty.NumberIntVal(int64(size)),
	})
}

// names returns the current user's name and primary group name.
func names(t *testing.T) [2]string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		t.Fatal(err)
	}
	return [2]string{u.Username, g.Name}
}

// TestReadMarksSecrets: file_read marks content sensitive when it holds a
// secret in any form steps.ContainsSecret knows (the engine then redacts
// it everywhere), and only then.
func TestReadMarksSecrets(t *testing.T) {
	k := newTestKeys(t)
	ca := newTestCA(t, "kubernetes", 9)
	keyData := base64.StdEncoding.EncodeToString(pemOf("EC PRIVATE KEY", k.ecSEC1))
	files := map[string][]byte{
		"key.pem":    pemOf("PRIVATE KEY", k.edPKCS8),
		"admin.conf": kubeconfig(ca.certPEM, "    client-key-data: "+keyData+"\n"),
		"key.der":    k.rsaPKCS1,
		"ca.pem":     []byte(ca.certPEM),
		"etcd.env":   []byte("ETCD_NAME=etcd-01\n"),
	}
	dir := t.TempDir()
	got := map[string]bool{}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), string(content), 0o600)
		resp, err := Read{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &ReadConfig{Path: filepath.Join(dir, name)}, Host: local.Host{}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got[name] = resp.Output.GetAttr("content").HasMark(steps.SensitiveMark)
		if strings.Contains(resp.Summary+strings.Join(resp.Details, "\n"), keyData[:40]) {
			t.Errorf("%s: summary or details show the key: %q %q", name, resp.Summary, resp.Details)
		}
	}
	want := map[string]bool{"key.pem": true, "admin.conf": true, "key.der": true, "ca.pem": false, "etcd.env": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("content marked sensitive (-want +got):\n%s", diff)
	}
}
