package etcd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type planDoc struct {
	Steps []struct {
		Address string `json:"address"`
		Status  string `json:"status"`
		Hosts   []struct {
			Summary string `json:"summary"`
		} `json:"hosts"`
	} `json:"steps"`
}

// TestHealthInLab runs etcd-health.mend.hcl against the lab's real
// 3-member etcd 3.4 cluster (mutual TLS, reached through each member's
// sshd): healthy from every member; with etcd stopped on etcd-01, the
// other two still see quorum and say which member is unreachable.
func TestHealthInLab(t *testing.T) {
	lab := startLab(t)
	bin := lab.bin
	plan := func(t *testing.T) map[string]string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "plan", "-format", "json", "-i", lab.Inventory(), "--var-file", lab.Vars(),
			"--audit-log", filepath.Join(t.TempDir(), "audit.jsonl"), "etcd-health.mend.hcl")
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		_ = cmd.Run()
		var doc planDoc
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatalf("plan json: %v\n%s\n%s", err, stdout.String(), stderr.String())
		}
		got := map[string]string{}
		for _, s := range doc.Steps {
			for _, h := range s.Hosts {
				got[s.Address] += s.Status + ": " + h.Summary + "\n"
			}
		}
		t.Logf("%v", got)
		return got
	}
	got := plan(t)["diagnose.etcd_status.cluster"]
	if strings.Count(got, "ok: healthy; quorum yes (3 of 3 endpoints healthy)") != 3 {
		t.Fatalf("healthy lab:\n%s", got)
	}
	if out, err := lab.Run(time.Minute, "ssh", "etcd-01", "sv -w 15 stop etcd"); err != nil {
		t.Fatalf("stop etcd on etcd-01: %v\n%s", err, out)
	}
	got = plan(t)["diagnose.etcd_status.cluster"]
	if strings.Count(got, "unreachable; quorum yes (2 of 3 endpoints healthy)") != 3 {
		t.Fatalf("one member down:\n%s", got)
	}
}
