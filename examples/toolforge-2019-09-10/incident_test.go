package incident_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/labtest"
)

const runbook = "etcd-ca-mismatch.mend.hcl"

// mend runs the mend binary and returns stdout, stderr and the exit code.
// toolforgeNet is this package's lab address base. Each package with lab
// tests has its own (lab 127.0.1, etcd 127.0.2, rolling-restart 127.0.3):
// go test runs packages in parallel, and two labs on one base collide
// ("127.0.2.11:22 is already in use").
const toolforgeNet = "127.0.4"

func mend(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("mend %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), code
}

// fileState is a file's sha256, mode and mtime: what plan must not change.
func fileState(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	return fmt.Sprintf("%x %v %d", sha256.Sum256(b), st.Mode(), st.ModTime().UnixNano())
}

// certFingerprint is the SHA-256 fingerprint of the first certificate of a
// PEM file, in the AB:CD:... form mend prints.
func certFingerprint(t *testing.T, path string) string {
	t.Helper()
	return bundleFingerprints(t, path)[0]
}

// bundleFingerprints are the fingerprints of every certificate of a PEM
// bundle, in file order.
func bundleFingerprints(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fps []string
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(blk.Bytes)
		var parts []string
		for _, c := range sum {
			parts = append(parts, fmt.Sprintf("%02X", c))
		}
		fps = append(fps, strings.Join(parts, ":"))
	}
	if len(fps) == 0 {
		t.Fatalf("%s: no certificate", path)
	}
	return fps
}

func readyz(t *testing.T, lab *labtest.Lab) int {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + lab.Net + ".11:6443/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

type planDoc struct {
	Pending bool `json:"pending_changes"`
	Steps   []struct {
		Address string `json:"address"`
		Status  string `json:"status"`
		Hosts   []struct {
			Summary string   `json:"summary"`
			Details []string `json:"details"`
		} `json:"hosts"`
	} `json:"steps"`
}

// TestIncidentEndToEnd is the night of 2019-09-10 in the lab: plan finds
// the same-named CA by fingerprint and changes nothing; apply with the
// gates approved makes the apiserver ready; the fix survives puppet; a
// second plan has nothing to do; the audit log verifies and holds it all.
func TestIncidentEndToEnd(t *testing.T) {
	lab := labtest.Start(t, toolforgeNet, false)
	bin := buildMend(t, lab)
	audit := filepath.Join(t.TempDir(), "audit.jsonl")
	common := []string{"-i", lab.Inventory(), "--var-file", lab.Vars(), "--audit-log", audit}
	puppetCA := lab.HostPath("k8s-master", "var-lib-puppet", "client", "ssl", "certs", "ca.pem")
	apiserverCA := lab.HostPath("k8s-master", "var-lib-kubernetes", "ssl", "certs", "ca.pem")
	trustedFP := certFingerprint(t, apiserverCA)
	etcdFP := certFingerprint(t, lab.HostPath("etcd-01", "etc-etcd", "ssl", "ca.pem"))
	if readyz(t, lab) != http.StatusInternalServerError {
		t.Fatal("the lab is not broken: /readyz is not 500")
	}

	// Plan: the diagnosis, by fingerprint; nothing changes.
	before := fileState(t, puppetCA) + fileState(t, apiserverCA)
	out, stderr, code := mend(t, bin, append([]string{"plan", "-format", "json", "-detailed-exitcode"}, append(common, runbook)...)...)
	if code != 2 {
		t.Fatalf("plan exit %d, want 2 (repairs pending)\n%s\n%s", code, out, stderr)
	}
	var plan planDoc
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("plan json: %v\n%s", err, out)
	}
	got := map[string]string{}
	var compare string
	for _, s := range plan.Steps {
		got[s.Address] = s.Status
		if s.Address == "diagnose.x509_compare.trusted_vs_etcd_ca" {
			compare = s.Hosts[0].Summary + "\n" + strings.Join(s.Hosts[0].Details, "\n")
		}
	}
	want := map[string]string{
		"diagnose.http_check.apiserver_ready":          "ok",
		"diagnose.tls_probe.apiserver_to_etcd":         "ok",
		"diagnose.etcd_status.etcd_health":             "ok",
		"diagnose.x509_compare.trusted_vs_etcd_ca":     "ok",
		"diagnose.assert.etcd_ca_would_work":           "ok",
		"diagnose.x509_inspect.apiserver_client_cert":  "ok",
		"diagnose.file_read.puppet_lock":               "ok",
		"repair.file.install_etcd_ca_at_puppet_source": "change",
		"repair.puppet_agent.propagate":                "change",
		"repair.service.restart_apiserver":             "change",
		"diagnose.wait_until.apiserver_ready_after":    "deferred",
		"diagnose.puppet_noop.fix_is_durable":          "deferred",
	}
	for addr, st := range want {
		if got[addr] != st {
			t.Errorf("plan: %s = %q, want %q", addr, got[addr], st)
		}
	}
	for _, want := range []string{"same name, different key", trustedFP, etcdFP} {
		if !strings.Contains(compare, want) {
			t.Errorf("x509_compare does not say %q:\n%s", want, compare)
		}
	}
	if after := fileState(t, puppetCA) + fileState(t, apiserverCA); after != before {
		t.Errorf("plan changed the CA files:\n%s\n%s", before, after)
	}

	// Apply without approvals stops at the first gate and changes nothing.
	if out, _, code := mend(t, bin, append([]string{"apply"}, append(common, runbook)...)...); code != 1 || !strings.Contains(out, "repair.file.install_etcd_ca_at_puppet_source [refused]") {
		t.Fatalf("apply without approval: exit %d\n%s", code, out)
	}
	if after := fileState(t, puppetCA) + fileState(t, apiserverCA); after != before {
		t.Errorf("a refused apply changed the CA files")
	}

	// Apply with the gates approved.
	args := append([]string{"apply"}, common...)
	args = append(args, "--approve", "repair.file.install_etcd_ca_at_puppet_source", "--approve", "repair.service.restart_apiserver", runbook)
	out, stderr, code = mend(t, bin, args...)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, stderr)
	}
	if readyz(t, lab) != http.StatusOK {
		t.Errorf("after apply /readyz is not 200\n%s", out)
	}
	// etcd's CA is added to the bundle; the CA puppet itself needs stays.
	if fps := bundleFingerprints(t, apiserverCA); !slices.Contains(fps, etcdFP) || !slices.Contains(fps, trustedFP) {
		t.Errorf("apiserver CA bundle %v, want etcd's %s and the puppet CA %s", fps, etcdFP, trustedFP)
	}

	// The fix survives a puppet run (a hand fix of the copy does not: the
	// lab's own test proves puppet reverts that).
	if out, err := lab.Run(2*time.Minute, "ssh", "k8s-master", "/etc/lab/bin/lab-puppet-run"); err != nil {
		t.Errorf("puppet run after the fix: %v (exit 2 would mean it changed something)\n%s", err, out)
	}
	if fps := bundleFingerprints(t, apiserverCA); !slices.Contains(fps, etcdFP) || readyz(t, lab) != http.StatusOK {
		t.Errorf("after a puppet run: CA bundle %v, readyz %d", fps, readyz(t, lab))
	}

	// A second plan has nothing to do.
	if out, stderr, code := mend(t, bin, append([]string{"plan", "-detailed-exitcode"}, append(common, runbook)...)...); code != 0 || !strings.Contains(out, "No changes") {
		t.Errorf("second plan: exit %d\n%s\n%s", code, out, stderr)
	}

	// The audit log verifies and holds every step of the apply.
	if out, stderr, code := mend(t, bin, "audit", "verify", audit); code != 0 {
		t.Errorf("audit verify: %s%s", out, stderr)
	}
	raw, _ := os.ReadFile(audit)
	for addr := range want {
		if !bytes.Contains(raw, []byte(`"step":"`+addr+`"`)) {
			t.Errorf("audit log has no record of %s", addr)
		}
	}
	for _, ev := range []string{"approval_refused", "approval_granted", `"outcome":"changed"`} {
		if !bytes.Contains(raw, []byte(ev)) {
			t.Errorf("audit log lacks %s", ev)
		}
	}
}

// buildMend builds the CLI from the repository the lab belongs to.
func buildMend(t *testing.T, lab *labtest.Lab) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mend")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mend")
	build.Dir = lab.Repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestIncidentOneMemberDown is the night with, in addition, one etcd
// member stopped (quorum intact): the member being down must not hide the
// CA mismatch on the others, nor stop the fix; the apiserver comes back
// on the two members left.
func TestIncidentOneMemberDown(t *testing.T) {
	lab := labtest.Start(t, toolforgeNet, false)
	bin := buildMend(t, lab)
	if out, err := lab.Run(time.Minute, "ssh", "etcd-01", "sv -w 15 stop etcd"); err != nil {
		t.Fatalf("stop etcd on etcd-01: %v\n%s", err, out)
	}
	common := []string{"-i", lab.Inventory(), "--var-file", lab.Vars(), "--audit-log", filepath.Join(t.TempDir(), "audit.jsonl")}
	out, stderr, code := mend(t, bin, append([]string{"plan", "-format", "json", "-detailed-exitcode"}, append(common, runbook)...)...)
	if code != 2 {
		t.Fatalf("plan exit %d, want 2\n%s\n%s", code, out, stderr)
	}
	var plan planDoc
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var probe string
	for _, s := range plan.Steps {
		got[s.Address] = s.Status
		if s.Address == "diagnose.tls_probe.apiserver_to_etcd" {
			probe = s.Hosts[0].Summary
		}
	}
	for addr, st := range map[string]string{
		"diagnose.tls_probe.apiserver_to_etcd":         "ok",
		"diagnose.etcd_status.etcd_health":             "ok",
		"diagnose.assert.etcd_has_quorum":              "ok",
		"repair.file.install_etcd_ca_at_puppet_source": "change",
	} {
		if got[addr] != st {
			t.Errorf("plan: %s = %q, want %q", addr, got[addr], st)
		}
	}
	if want := "unknown_authority on 2 of 3 endpoints"; !strings.Contains(probe, want) {
		t.Errorf("probe summary %q lacks %q", probe, want)
	}
	args := append([]string{"apply"}, common...)
	args = append(args, "--approve", "repair.file.install_etcd_ca_at_puppet_source", "--approve", "repair.service.restart_apiserver", runbook)
	if out, stderr, code := mend(t, bin, args...); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, stderr)
	}
	if readyz(t, lab) != http.StatusOK {
		t.Error("after apply with one member down, /readyz is not 200")
	}
}
