package file

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// digestHost is a host with a DigestReader, as the ssh transport has: of
// a file over head bytes it returns the first head bytes and the digest.
// It counts whole reads, digest reads and writes.
type digestHost struct {
	local.Host
	reads, digests, writes *atomic.Int32
}

func newDigestHost() digestHost {
	return digestHost{reads: &atomic.Int32{}, digests: &atomic.Int32{}, writes: &atomic.Int32{}}
}

func (h digestHost) ReadFile(ctx context.Context, path string) (steps.File, error) {
	h.reads.Add(1)
	return h.Host.ReadFile(ctx, path)
}

func (h digestHost) ReadFileDigest(ctx context.Context, path string, head int) (steps.FileDigest, error) {
	h.digests.Add(1)
	f, err := h.Host.ReadFile(ctx, path)
	d := steps.DigestOf(f)
	if len(d.Content) > head {
		d.Content = d.Content[:head]
	}
	return d, err
}

func (h digestHost) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	h.writes.Add(1)
	return h.Host.WriteFile(ctx, req)
}

// bigConfig is 1 MiB of configuration lines, and a version of it whose
// line 1000 differs.
func bigConfig() (old, new string) {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString("server_name host-" + itoa(100000 + i)[1:] + ".example.org;\n")
	}
	old = b.String()
	return old, strings.Replace(old, "host-00999.example.org", "host-00999.example.com", 1)
}

// TestLargeFilePlanReadsItsHead: the plan of a 1 MiB file reads its
// digest and first maxDiffBytes only (no whole read), compares by digest,
// shows the first difference from that part but not the current digest
// (the unseen rest might hold a secret), and the apply writes once, on
// condition of the digest seen.
func TestLargeFilePlanReadsItsHead(t *testing.T) {
	old, new := bigConfig()
	path := filepath.Join(t.TempDir(), "big.conf")
	writeFile(t, path, old, 0o644)
	h := newDigestHost()
	cfg := Config{Path: path, Content: ptr(new)}
	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.Change {
		t.Fatalf("Plan = %v, %v", plan.Action, err)
	}
	if r, d := h.reads.Load(), h.digests.Load(); r != 0 || d != 1 {
		t.Errorf("Plan made %d whole reads and %d digest reads, want 0 and 1", r, d)
	}
	for _, want := range []string{"new sha256 " + sha256Hex([]byte(new)),
		"first difference at line 1000:\n-server_name host-00999.example.org;\n+server_name host-00999.example.com;"} {
		if !strings.Contains(plan.Preview.Diff, want) {
			t.Errorf("diff %q does not contain %q", plan.Preview.Diff, want)
		}
	}
	if strings.Contains(plan.Preview.Diff, sha256Hex([]byte(old))) {
		t.Errorf("diff shows the digest of content it did not read whole: %q", plan.Preview.Diff)
	}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: h, Planned: plan.Observed})
	if err != nil || !resp.Changed || h.writes.Load() != 1 || h.reads.Load() != 0 {
		t.Fatalf("Apply = %+v, %v; %d writes, %d reads", resp, err, h.writes.Load(), h.reads.Load())
	}
	if got := statFile(t, path); got.Content != new {
		t.Errorf("file not replaced")
	}
}

// TestLargeFileHeadNotEnough: a first part holding a secret literal or a
// certificate, or binary, and new content with certificates, make the
// plan read the whole file and preview it as before (secrets hidden,
// certificates listed).
func TestLargeFileHeadNotEnough(t *testing.T) {
	ca := newTestCA(t, "etcd-ca", 1)
	old, new := bigConfig()
	tests := []struct {
		name, old, new, want string
	}{
		{"private key in the first part", ca.keyPEM + old, ca.keyPEM + new, "(content hidden: contains a secret)"},
		{"certificate in the first part", ca.certPEM + old, ca.certPEM + new, "sha256 " + sha256Hex([]byte(ca.certPEM+old))},
		{"binary first part", "\x00\x01" + old, "\x00\x01" + new, "(binary content) sha256 " + sha256Hex([]byte("\x00\x01"+old))},
		{"new content with a certificate", old, new + ca.certPEM, "sha256 " + sha256Hex([]byte(old))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			writeFile(t, path, tt.old, 0o644)
			h := newDigestHost()
			plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &Config{Path: path, Content: ptr(tt.new)}, Host: h})
			if err != nil || plan.Action != steps.Change {
				t.Fatalf("Plan = %v, %v", plan.Action, err)
			}
			if r := h.reads.Load(); r != 1 {
				t.Errorf("Plan made %d whole reads, want 1", r)
			}
			if !strings.Contains(plan.Preview.Diff, tt.want) {
				t.Errorf("diff %q does not contain %q", plan.Preview.Diff, tt.want)
			}
		})
	}
}

// TestSecretLiterals: every content ContainsSecret finds holds one of
// steps.SecretLiterals or is DER (first byte 0x30), which is what lets
// readCurrent trust a first part without them.
func TestSecretLiterals(t *testing.T) {
	for _, tt := range secretCases(t) {
		if !tt.want {
			continue
		}
		found := len(tt.content) > 0 && tt.content[0] == 0x30
		for _, lit := range steps.SecretLiterals() {
			found = found || strings.Contains(string(tt.content), lit)
		}
		if !found {
			t.Errorf("%s: a secret with none of the literals", tt.name)
		}
	}
}
