package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshsig"
	"github.com/mend-sh/mend/runbooks"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// PlanNamespace is the SSHSIG namespace of a plan approval: a signature
// made for git or any other use cannot approve a plan.
const PlanNamespace = "mend-plan"

// signedApproval is one verified signature on the plan being applied.
type signedApproval struct {
	principal   string // the first principal allowed_signers gives the key
	fingerprint string // SHA256:…
	file        string
}

func (s signedApproval) String() string {
	return fmt.Sprintf("%s (%s)", s.principal, s.fingerprint)
}

// signatureFiles are the approvals of the plan at path: --signature
// files, and beside the plan PATH.sig (ssh-keygen -Y sign's name) and
// PATH.*.sig (mend approve's).
func signatureFiles(path string, given []string) []string {
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

// verifySignatures checks each signature file against the plan's bytes
// and the allowed signers. What does not verify counts for nothing and is
// reported as a warning (a signature on another plan, an unknown key).
func verifySignatures(files []string, plan []byte, allowedPath string, warn func(string)) ([]signedApproval, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if allowedPath == "" {
		p, err := defaultAllowedSigners()
		if err != nil {
			return nil, err
		}
		allowedPath = p
	}
	allowed, err := sshsig.LoadAllowedSigners(allowedPath)
	if err != nil {
		return nil, fmt.Errorf("%v (signed approvals are checked against it: pass --allowed-signers)", err)
	}
	var out []signedApproval
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			warn(fmt.Sprintf("signature %s: %v; it counts for nothing", f, err))
			continue
		}
		sig, err := sshsig.Parse(b)
		if err != nil {
			warn(fmt.Sprintf("signature %s: %v; it counts for nothing", f, err))
			continue
		}
		fp := ssh.FingerprintSHA256(sig.PublicKey)
		if err := sig.Verify(PlanNamespace, plan); err != nil {
			warn(fmt.Sprintf("signature %s by %s is not a signature of this plan (%v); it counts for nothing", f, fp, err))
			continue
		}
		ps := allowed.Principals(sig.PublicKey, PlanNamespace, time.Now())
		if len(ps) == 0 {
			warn(fmt.Sprintf("signature %s: key %s is not in %s for namespace %s; it counts for nothing", f, fp, allowedPath, PlanNamespace))
			continue
		}
		out = append(out, signedApproval{principal: ps[0], fingerprint: fp, file: f})
	}
	return out, nil
}

// defaultAllowedSigners is $XDG_CONFIG_HOME/mend/allowed_signers, else
// ~/.config/mend/allowed_signers.
func defaultAllowedSigners() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "mend", "allowed_signers"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("allowed signers: no default path: %w", err)
	}
	return filepath.Join(home, ".config", "mend", "allowed_signers"), nil
}

// selfKeys are the fingerprints of the keys the operator running apply
// holds: the agent's, and the public halves of their key files
// (--signing-key, the inventory's identity files, ~/.ssh/id_*). A
// signature by one of them is the operator approving their own run.
func selfKeys(inv *runbooks.Inventory, extra []string) map[string]bool {
	out := map[string]bool{}
	if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
		if c, err := net.DialTimeout("unix", sock, 2*time.Second); err == nil {
			if keys, err := agent.NewClient(c).List(); err == nil {
				for _, k := range keys {
					if pk, err := ssh.ParsePublicKey(k.Blob); err == nil {
						out[ssh.FingerprintSHA256(pk)] = true
					}
				}
			}
			c.Close()
		}
	}
	files := append([]string(nil), extra...)
	if inv != nil {
		for _, h := range inv.Hosts {
			files = append(files, h.IdentityFiles...)
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		m, _ := filepath.Glob(filepath.Join(home, ".ssh", "id_*"))
		files = append(files, m...)
	}
	for _, f := range files {
		if pk := publicKeyOf(f); pk != nil {
			out[ssh.FingerprintSHA256(pk)] = true
		}
	}
	return out
}

// publicKeyOf reads F.pub, or F itself as a public or unencrypted private key.
func publicKeyOf(f string) ssh.PublicKey {
	for _, p := range []string{strings.TrimSuffix(f, ".pub") + ".pub", f} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 64<<10 {
			continue
		}
		if pk, _, _, _, err := ssh.ParseAuthorizedKey(b); err == nil {
			return pk
		}
		if s, err := ssh.ParsePrivateKey(b); err == nil {
			return s.PublicKey()
		}
	}
	return nil
}

// isSelf reports whether a signed approval is the operator's own.
func (ap *approver) isSelf(s signedApproval) bool {
	if ap.self[s.fingerprint] {
		return true
	}
	user, _, _ := strings.Cut(s.principal, "@")
	return s.principal == ap.operator || user == ap.operator
}

// signedDecision decides a gate from the plan's signed approvals, when the
// gate needs them (required = N) or forbids self-approval, or when a
// signature approves the plan. ok is false when the gate is left to
// --approve or the terminal.
func (ap *approver) signedDecision(g engine.Gate) (d engine.Decision, ok bool) {
	block := g.Block
	if block == "" {
		block = g.Address
	}
	a := ap.approvals[block]
	if a == nil {
		a = &runbooks.Approval{}
	}
	var counted, self []signedApproval
	seen := map[string]bool{}
	for _, s := range ap.signed {
		if a.NoSelfApproval && ap.isSelf(s) {
			self = append(self, s)
			continue
		}
		if seen[s.principal] {
			continue // distinct signers: one person's second key counts once
		}
		seen[s.principal] = true
		counted = append(counted, s)
	}
	need := max(a.Required, 1)
	names := make([]string, len(counted))
	for i, s := range counted {
		names[i] = s.String()
	}
	if len(counted) >= need && len(ap.signed) > 0 {
		return engine.Decision{Granted: true, Signers: names,
			By: fmt.Sprintf("signed approval of plan %s by %s", short12(ap.planSHA256), strings.Join(names, ", "))}, true
	}
	if a.Required == 0 && !a.NoSelfApproval {
		return engine.Decision{}, false // the operator may grant it
	}
	var why []string
	switch {
	case ap.planSHA256 == "":
		why = append(why, "make a saved plan (mend plan -out FILE), have it approved (mend approve FILE) and apply FILE")
	default:
		why = append(why, fmt.Sprintf("%d valid from distinct allowed signers (%s)", len(counted), orNone(names)))
	}
	if len(self) > 0 {
		why = append(why, fmt.Sprintf("%s signed but is the operator running apply (self_approval = false)", self[0]))
	}
	what := fmt.Sprintf("needs %d signed approval(s) of the plan from distinct allowed signers", need)
	if a.NoSelfApproval {
		what += ", none by the operator running apply"
	}
	return engine.Decision{Reason: fmt.Sprintf("not approved: %s %s; %s", views.Clean(g.Address), what, strings.Join(why, "; ")), By: ap.operator}, true
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
