package approval

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/sshsig"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSHSIG namespace of a plan approval: a signature made
// for git or any other use cannot approve a plan.
const Namespace = "mend-plan"

// Signature is one verified signature on the plan being applied.
type Signature struct {
	Principal   string // the first principal allowed_signers gives the key
	Fingerprint string // SHA256:…
	File        string
}

func (s Signature) String() string {
	return fmt.Sprintf("%s (%s)", s.Principal, s.Fingerprint)
}

// Files are the approvals of the plan at path: the given files, and
// beside the plan PATH.sig (ssh-keygen -Y sign's name) and PATH.*.sig
// (mend approve's), regular files only, each once.
func Files(path string, given []string) []string {
	out := append([]string(nil), given...)
	seen := map[string]bool{}
	for _, g := range given {
		seen[g] = true
	}
	cands := []string{path + ".sig"}
	more, _ := filepath.Glob(globEscape(path) + ".*.sig")
	cands = append(cands, more...)
	for _, c := range cands {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out[len(given):])
	return out
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// Verify checks each signature file against the plan's bytes and the
// allowed signers (allowedPath; "" is DefaultAllowedSigners). What does
// not verify counts for nothing and is passed to warn. The error is for
// an allowed_signers file that cannot be read when there is something to
// check against it.
func Verify(files []string, plan []byte, allowedPath string, now time.Time, warn func(string)) ([]Signature, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if allowedPath == "" {
		p, err := DefaultAllowedSigners()
		if err != nil {
			return nil, err
		}
		allowedPath = p
	}
	allowed, err := sshsig.LoadAllowedSigners(allowedPath)
	if err != nil {
		return nil, fmt.Errorf("%v (signed approvals are checked against it: pass --allowed-signers)", err)
	}
	var out []Signature
	for _, f := range files {
		s, why := verifyFile(f, plan, allowed, allowedPath, now)
		if why != "" {
			warn(why + "; it counts for nothing")
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// verifyFile verifies one signature file; why says what is wrong.
func verifyFile(f string, plan []byte, allowed *sshsig.AllowedSigners, allowedPath string, now time.Time) (s Signature, why string) {
	b, err := os.ReadFile(f)
	if err != nil {
		return s, fmt.Sprintf("signature %s: %v", f, err)
	}
	sig, err := sshsig.Parse(b)
	if err != nil {
		return s, fmt.Sprintf("signature %s: %v", f, err)
	}
	fp := ssh.FingerprintSHA256(sig.PublicKey)
	if err := sig.Verify(Namespace, plan); err != nil {
		return s, fmt.Sprintf("signature %s by %s is not a signature of this plan (%v)", f, fp, err)
	}
	ps := allowed.Principals(sig.PublicKey, Namespace, now)
	if len(ps) == 0 {
		return s, fmt.Sprintf("signature %s: key %s is not in %s for namespace %s", f, fp, allowedPath, Namespace)
	}
	return Signature{Principal: ps[0], Fingerprint: fp, File: f}, ""
}

// DefaultAllowedSigners is $XDG_CONFIG_HOME/mend/allowed_signers, else
// ~/.config/mend/allowed_signers.
func DefaultAllowedSigners() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "mend", "allowed_signers"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("allowed signers: no default path: %w", err)
	}
	return filepath.Join(home, ".config", "mend", "allowed_signers"), nil
}
