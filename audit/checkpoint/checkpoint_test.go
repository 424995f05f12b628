package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/internal/sshsig"
	"golang.org/x/crypto/ssh"
)

func need(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found (apt-get install openssh-client)", bin)
		}
		t.Skipf("%s not found", bin)
	}
}

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

func allowedText(principal string, pub ssh.PublicKey) string {
	return principal + ` namespaces="mend-audit" ` + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + "\n"
}

func allowedFor(t *testing.T, principal string, pub ssh.PublicKey) *sshsig.AllowedSigners {
	t.Helper()
	a, err := sshsig.ParseAllowedSigners([]byte(allowedText(principal, pub)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// writeLog appends one note per reason to the log at path.
func writeLog(t *testing.T, path string, reasons ...string) {
	t.Helper()
	l, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, r := range reasons {
		if _, err := l.Append(audit.Record{Event: audit.EventNote, Reason: r}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSignAndVerify: a checkpoint of a sound log verifies, names its
// signer, and is noted in the log; more records after it do not disturb it.
func TestSignAndVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeLog(t, path, "one", "two", "three")
	s := newSigner(t)
	c, err := Sign(path, s, "alice", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Seq != 3 {
		t.Fatalf("checkpoint of record %d, want 3", c.Seq)
	}
	writeLog(t, path, "four")
	rep, err := Verify(path, allowedFor(t, "alice", s.PublicKey()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Verified) != 1 || rep.Verified[0].Principal != "alice" || rep.Verified[0].Fingerprint != ssh.FingerprintSHA256(s.PublicKey()) {
		t.Fatalf("verified %+v", rep.Verified)
	}
	recs, err := audit.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := recs[3]; n.Detail["checkpoint_seq"] != "3" || n.Detail["signer_key"] != ssh.FingerprintSHA256(s.PublicKey()) {
		t.Fatalf("record 4 is not the checkpoint's note: %+v", n)
	}
}

// TestSSHKeygenInterop: a checkpoint signed here verifies with the real
// `ssh-keygen -Y verify` from its exported message and .sig file, and a
// checkpoint message signed by `ssh-keygen -Y sign` verifies here.
func TestSSHKeygenInterop(t *testing.T) {
	need(t, "ssh-keygen")
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	writeLog(t, path, "one", "two")
	key := filepath.Join(dir, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "auditor", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	b, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	allowed := filepath.Join(dir, "allowed_signers")
	if err := os.WriteFile(allowed, []byte(allowedText("auditor@example.org", s.PublicKey())), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Sign(path, s, "auditor", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	files, err := Export(path, filepath.Join(dir, "export"))
	if err != nil || len(files) != 1 {
		t.Fatalf("export: %v %v", files, err)
	}
	verify := func(msg []byte, sig string) ([]byte, error) {
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "auditor@example.org", "-n", Namespace, "-s", sig)
		cmd.Stdin = bytes.NewReader(msg)
		return cmd.CombinedOutput()
	}
	msg, err := os.ReadFile(files[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(msg, c.Message()) {
		t.Fatalf("exported message differs:\n%s", msg)
	}
	if out, err := verify(msg, files[0].Signature); err != nil {
		t.Fatalf("ssh-keygen -Y verify refused mend's checkpoint: %v\n%s", err, out)
	}
	if out, err := verify(bytes.Replace(msg, []byte("seq 2"), []byte("seq 1"), 1), files[0].Signature); err == nil {
		t.Fatalf("ssh-keygen accepted a changed checkpoint message:\n%s", out)
	}

	// The other way: ssh-keygen signs the same message; put that signature
	// in the checkpoints file, and Verify accepts it.
	sign := exec.Command("ssh-keygen", "-Y", "sign", "-q", "-f", key, "-n", Namespace)
	sign.Stdin = bytes.NewReader(msg)
	armored, err := sign.Output()
	if err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v", err)
	}
	line, _ := json.Marshal(map[string]string{"message": string(msg), "signature": string(armored)})
	if err := os.WriteFile(Path(path), append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := sshsig.LoadAllowedSigners(allowed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(path, a, time.Now()); err != nil {
		t.Fatalf("a checkpoint signed by ssh-keygen: %v", err)
	}
}

// rewrite replaces the log at path (and its head) with one whose records
// are the old ones with edit applied, the chain and head recomputed: what
// someone who can write the files does to hide a record.
func rewrite(t *testing.T, path string, edit func([]audit.Record) []audit.Record) {
	t.Helper()
	recs, err := audit.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "forged.jsonl")
	l, err := audit.Open(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range edit(recs) {
		l.SetClock(func() time.Time { return r.Time }) // keep the times: untouched records stay byte for byte
		if _, err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	for _, suffix := range []string{"", ".head", ".pending"} {
		os.Remove(path + suffix)
		if b, err := os.ReadFile(tmp + suffix); err == nil {
			if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := audit.Verify(path); err != nil {
		t.Fatalf("the forged log should pass the chain check (that is the attack): %v", err)
	}
}

// TestRewriteCaught: a log rewritten with its chain and head recomputed
// passes audit.Verify but not the checkpoints, whether a record before the
// checkpoint was changed, records were removed, or the log was forged
// from its start; a record changed after the last checkpoint is not caught
// (the documented limit).
func TestRewriteCaught(t *testing.T) {
	cases := []struct {
		name string
		edit func([]audit.Record) []audit.Record
		want string // "" : not caught
	}{
		{"changed before checkpoint", func(r []audit.Record) []audit.Record {
			r[1].Reason = "nothing to see"
			return r
		}, "record 3 is not the record the checkpoint signed by alice"},
		{"truncated", func(r []audit.Record) []audit.Record { return r[:2] }, "record 3 is missing"},
		{"deleted a record", func(r []audit.Record) []audit.Record { return append(r[:1], r[2:]...) }, "record 3 is not the record"},
		{"forged from the start", func(r []audit.Record) []audit.Record {
			r[0].Reason = "first"
			return r
		}, "is of another log"},
		{"changed after checkpoint", func(r []audit.Record) []audit.Record {
			r[len(r)-1].Reason = "after"
			return r
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			writeLog(t, path, "one", "two", "three")
			s := newSigner(t)
			if _, err := Sign(path, s, "alice", time.Now()); err != nil {
				t.Fatal(err)
			}
			writeLog(t, path, "five")
			rewrite(t, path, func(r []audit.Record) []audit.Record {
				r = tc.edit(r)
				for i := range r {
					r[i].Seq, r[i].Prev = 0, ""
				}
				return r
			})
			_, err := Verify(path, allowedFor(t, "alice", s.PublicKey()), time.Now())
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestCheckpointFileTampering: no checkpoints, a removed middle
// checkpoint, an unknown key, a plan signature passed off as a checkpoint.
func TestCheckpointFileTampering(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	writeLog(t, path, "one")
	s := newSigner(t)
	allowed := allowedFor(t, "alice", s.PublicKey())
	if _, err := Verify(path, allowed, time.Now()); err == nil || !strings.Contains(err.Error(), "no checkpoints") {
		t.Fatalf("no checkpoints: %v", err)
	}
	for i := 0; i < 3; i++ {
		if _, err := Sign(path, s, "alice", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Verify(path, allowedFor(t, "mallory", newSigner(t).PublicKey()), time.Now()); err == nil || !strings.Contains(err.Error(), "not an allowed signer") {
		t.Fatalf("unknown key: %v", err)
	}
	b, _ := os.ReadFile(Path(path))
	lines := strings.SplitAfter(string(b), "\n")
	if err := os.WriteFile(Path(path), []byte(lines[0]+lines[2]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(path, allowed, time.Now()); err == nil || !strings.Contains(err.Error(), ":2: checkpoint of record 3 does not follow") {
		t.Fatalf("removed checkpoint: %v", err)
	}

	c, _ := parseMessage(string(mustMessage(t, lines[0])))
	planSig, err := sshsig.Sign(s, "mend-plan", c.Message())
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(map[string]string{"message": string(c.Message()), "signature": string(planSig)})
	if err := os.WriteFile(Path(path), append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(path, allowed, time.Now()); err == nil || !strings.Contains(err.Error(), `namespace "mend-plan"`) {
		t.Fatalf("plan signature as checkpoint: %v", err)
	}
}

func mustMessage(t *testing.T, line string) []byte {
	t.Helper()
	var l struct{ Message string }
	if err := json.Unmarshal([]byte(line), &l); err != nil {
		t.Fatal(err)
	}
	return []byte(l.Message)
}
