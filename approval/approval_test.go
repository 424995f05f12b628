package approval

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshsig"
	"github.com/mend-sh/mend/runbooks"
	"golang.org/x/crypto/ssh"
)

// newSigner is a fresh ed25519 key.
func newSigner(t *testing.T) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signFile signs msg with s into dir/name.
func signFile(t *testing.T, s ssh.Signer, ns string, msg []byte, path string) {
	t.Helper()
	b, err := sshsig.Sign(s, ns, msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Only a signature of these exact plan bytes, in the plan namespace, by a
// key allowed_signers lists for it, counts; the others are warned about.
func TestVerify(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	raw := []byte(`{"plan":1}`)
	if err := os.WriteFile(plan, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	alice, bob, mallory := newSigner(t), newSigner(t), newSigner(t)
	allowed := filepath.Join(dir, "allowed_signers")
	line := func(who string, s ssh.Signer) string {
		return who + ` namespaces="mend-plan" ` + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
	}
	if err := os.WriteFile(allowed, []byte(line("alice@example.org", alice)+"\n"+line("bob", bob)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	signFile(t, alice, Namespace, raw, plan+".alice.sig")
	signFile(t, bob, Namespace, []byte(`{"plan":2}`), plan+".bob.sig") // another plan
	signFile(t, mallory, Namespace, raw, plan+".mallory.sig")          // not allowed
	signFile(t, alice, "git", raw, plan+".sig")                        // another namespace
	files := Files(plan, nil)
	if len(files) != 4 {
		t.Fatalf("files %q", files)
	}
	var warned []string
	sigs, err := Verify(files, raw, allowed, time.Now(), func(w string) { warned = append(warned, w) })
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 || sigs[0].Principal != "alice@example.org" || sigs[0].Fingerprint != ssh.FingerprintSHA256(alice.PublicKey()) {
		t.Fatalf("verified %+v", sigs)
	}
	if len(warned) != 3 {
		t.Fatalf("warnings %q", warned)
	}
	for _, w := range warned {
		if !strings.HasSuffix(w, "it counts for nothing") {
			t.Errorf("warning %q", w)
		}
	}
	if _, err := Verify(files, raw, filepath.Join(dir, "missing"), time.Now(), func(string) {}); err == nil {
		t.Error("a missing allowed_signers file is not an error")
	}
}

func TestDecide(t *testing.T) {
	g := engine.Gate{Address: "repair.etcd_member.add"}
	alice := Signature{Principal: "alice", Fingerprint: "SHA256:a"}
	alice2 := Signature{Principal: "alice", Fingerprint: "SHA256:a2"}
	bob := Signature{Principal: "bob@example.org", Fingerprint: "SHA256:b"}
	for _, tc := range []struct {
		name    string
		s       Signed
		a       *runbooks.Approval
		ok      bool
		granted bool
		reason  string
	}{
		{"no signatures, plain gate: left to the operator", Signed{Operator: "carol"}, nil, false, false, ""},
		{"one signature grants a plain gate", Signed{Signatures: []Signature{alice}, PlanSHA256: "0123456789abcdef"}, nil, true, true, ""},
		{"two keys of one person are one signer", Signed{Signatures: []Signature{alice, alice2}, PlanSHA256: "x"}, &runbooks.Approval{Required: 2}, true, false,
			"needs 2 signed approval(s) of the plan from distinct allowed signers; 1 valid from distinct allowed signers (alice (SHA256:a))"},
		{"two people", Signed{Signatures: []Signature{alice, bob}, PlanSHA256: "x"}, &runbooks.Approval{Required: 2}, true, true, ""},
		{"required without a saved plan", Signed{Operator: "carol"}, &runbooks.Approval{Required: 1}, true, false,
			"make a saved plan (mend plan -out FILE)"},
		{"self approval by principal", Signed{Signatures: []Signature{bob}, PlanSHA256: "x", Operator: "bob"}, &runbooks.Approval{NoSelfApproval: true}, true, false,
			"bob@example.org (SHA256:b) signed but is the operator running apply (self_approval = false)"},
		{"self approval by key", Signed{Signatures: []Signature{alice}, PlanSHA256: "x", Operator: "carol", Self: map[string]bool{"SHA256:a": true}}, &runbooks.Approval{NoSelfApproval: true}, true, false,
			"none by the operator running apply"},
		{"someone else approves a no-self gate", Signed{Signatures: []Signature{alice, bob}, PlanSHA256: "x", Operator: "bob"}, &runbooks.Approval{NoSelfApproval: true}, true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := tc.s.Decide(g, tc.a)
			if ok != tc.ok || d.Granted != tc.granted || !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("Decide: ok %v granted %v reason %q; want ok %v granted %v reason containing %q", ok, d.Granted, d.Reason, tc.ok, tc.granted, tc.reason)
			}
			if d.Granted && !strings.HasPrefix(d.By, "signed approval of plan ") {
				t.Errorf("By %q", d.By)
			}
		})
	}
}
