package sshsig

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func need(t *testing.T, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found (apt-get install openssh-client)", bin)
		}
		t.Skipf("%s not found", bin)
	}
	return p
}

// keygen makes a real key with ssh-keygen and returns its path and signer.
func keygen(t *testing.T, dir, typ, name string) (string, ssh.Signer) {
	t.Helper()
	path := filepath.Join(dir, name)
	args := []string{"-q", "-t", typ, "-N", "", "-C", name, "-f", path}
	if typ == "rsa" {
		args = append(args, "-b", "2048")
	}
	if out, err := exec.Command("ssh-keygen", args...).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return path, s
}

func allowedLine(principal string, pub ssh.PublicKey) string {
	return principal + ` namespaces="mend-plan" ` + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + "\n"
}

// TestInteropWithSSHKeygen: a signature made by ssh-keygen -Y sign
// verifies here, and one made here verifies with ssh-keygen -Y verify,
// for ed25519, ECDSA and RSA keys; a changed message or another namespace
// fails on both sides.
func TestInteropWithSSHKeygen(t *testing.T) {
	need(t, "ssh-keygen")
	dir := t.TempDir()
	msg := []byte("{\"format\": \"mend-plan\"}\n")
	msgPath := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(msgPath, msg, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(typ, func(t *testing.T) {
			keyPath, signer := keygen(t, dir, typ, "key-"+typ)
			allowedPath := filepath.Join(dir, "allowed-"+typ)
			if err := os.WriteFile(allowedPath, []byte(allowedLine("alice@example.com", signer.PublicKey())), 0o644); err != nil {
				t.Fatal(err)
			}
			allowed, err := LoadAllowedSigners(allowedPath)
			if err != nil {
				t.Fatal(err)
			}

			// ssh-keygen signs, we verify.
			sigPath := msgPath + ".sig"
			os.Remove(sigPath)
			if out, err := exec.Command("ssh-keygen", "-Y", "sign", "-f", keyPath, "-n", "mend-plan", msgPath).CombinedOutput(); err != nil {
				t.Fatalf("ssh-keygen -Y sign: %v\n%s", err, out)
			}
			armored, err := os.ReadFile(sigPath)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := Parse(armored)
			if err != nil {
				t.Fatal(err)
			}
			if err := sig.Verify("mend-plan", msg); err != nil {
				t.Errorf("ssh-keygen's signature does not verify: %v", err)
			}
			if got := allowed.Principals(sig.PublicKey, "mend-plan", time.Now()); len(got) != 1 || got[0] != "alice@example.com" {
				t.Errorf("principals = %v", got)
			}
			if err := sig.Verify("mend-plan", append([]byte("x"), msg...)); err == nil {
				t.Error("ssh-keygen's signature verifies a changed message")
			}
			if err := sig.Verify("git", msg); err == nil {
				t.Error("a mend-plan signature verifies in namespace git")
			}

			// We sign, ssh-keygen verifies.
			ours, err := Sign(signer, "mend-plan", msg)
			if err != nil {
				t.Fatal(err)
			}
			ourPath := filepath.Join(dir, "ours-"+typ+".sig")
			if err := os.WriteFile(ourPath, ours, 0o644); err != nil {
				t.Fatal(err)
			}
			verify := func(ns string, m []byte) (string, error) {
				cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowedPath, "-I", "alice@example.com", "-n", ns, "-s", ourPath)
				cmd.Stdin = bytes.NewReader(m)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			if out, err := verify("mend-plan", msg); err != nil || !strings.Contains(out, "Good \"mend-plan\" signature for alice@example.com") {
				t.Errorf("ssh-keygen -Y verify of our signature: %v\n%s", err, out)
			}
			if out, err := verify("mend-plan", append(msg, 'x')); err == nil {
				t.Errorf("ssh-keygen accepts our signature on a changed message:\n%s", out)
			}
			if out, err := verify("git", msg); err == nil {
				t.Errorf("ssh-keygen accepts our signature in namespace git:\n%s", out)
			}
		})
	}
}

// TestSignThroughAgent: a key held only by a real ssh-agent signs (RSA
// with rsa-sha2-512 through the agent) and ssh-keygen verifies.
func TestSignThroughAgent(t *testing.T) {
	need(t, "ssh-keygen")
	need(t, "ssh-agent")
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	ag := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := ag.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ag.Process.Kill(); ag.Wait() })
	var conn net.Conn
	var err error
	for i := 0; i < 50; i++ {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("ssh-agent did not start: %v", err)
	}
	defer conn.Close()
	keyPath, signer := keygen(t, dir, "rsa", "agentkey")
	add := exec.Command("ssh-add", keyPath)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil || len(signers) != 1 {
		t.Fatalf("agent signers: %v %d", err, len(signers))
	}
	msg := []byte("plan bytes")
	armored, err := Sign(signers[0], "mend-plan", msg)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Parse(armored)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Signature.Format != ssh.KeyAlgoRSASHA512 {
		t.Errorf("RSA through the agent signed with %s, want rsa-sha2-512", sig.Signature.Format)
	}
	allowedPath := filepath.Join(dir, "allowed")
	os.WriteFile(allowedPath, []byte(allowedLine("bob", signer.PublicKey())), 0o644)
	sigPath := filepath.Join(dir, "m.sig")
	os.WriteFile(sigPath, armored, 0o644)
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowedPath, "-I", "bob", "-n", "mend-plan", "-s", sigPath)
	cmd.Stdin = bytes.NewReader(msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
}

func TestAllowedSigners(t *testing.T) {
	dir := t.TempDir()
	_, s1 := keygenOrSkip(t, dir, "k1")
	_, s2 := keygenOrSkip(t, dir, "k2")
	k1 := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s1.PublicKey())))
	k2 := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s2.PublicKey())))
	text := "# reviewers\n\n" +
		"alice@example.com,ali " + k1 + " laptop\n" +
		`bob namespaces="git" ` + k2 + "\n" +
		`carol namespaces="mend-*",valid-before="20200101Z" ` + k2 + "\n"
	a, err := ParseAllowedSigners([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Principals(s1.PublicKey(), "mend-plan", time.Now()); strings.Join(got, ",") != "alice@example.com,ali" {
		t.Errorf("k1: %v", got)
	}
	if got := a.Principals(s2.PublicKey(), "mend-plan", time.Now()); len(got) != 0 {
		t.Errorf("k2 (git only, carol expired) is allowed: %v", got)
	}
	if got := a.Principals(s2.PublicKey(), "mend-plan", time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)); strings.Join(got, ",") != "carol" {
		t.Errorf("k2 in 2019: %v", got)
	}
	if _, err := ParseAllowedSigners([]byte("x cert-authority " + k1 + "\n")); err == nil || !strings.Contains(err.Error(), ":1: cert-authority") {
		t.Errorf("cert-authority: %v", err)
	}
	if _, err := ParseAllowedSigners([]byte("ok " + k1 + "\nbroken\n")); err == nil || !strings.HasPrefix(err.Error(), ":2:") {
		t.Errorf("bad line: %v", err)
	}
}

func keygenOrSkip(t *testing.T, dir, name string) (string, ssh.Signer) {
	need(t, "ssh-keygen")
	return keygen(t, dir, "ed25519", name)
}
