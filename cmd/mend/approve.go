package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshsig"
	"github.com/mend-sh/mend/planfile"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func (a *app) approveCommand() *cobra.Command {
	var key, out string
	cmd := &cobra.Command{
		Use:   "approve PLANFILE [--key KEY] [-o SIGFILE]",
		Short: "Sign a saved plan with your SSH key (SSHSIG, namespace mend-plan): an approval bound to exactly that plan",
		Long: "approve signs the bytes of a plan saved with plan -out in the SSHSIG format that ssh-keygen -Y sign and git use, " +
			"namespace \"mend-plan\", so `ssh-keygen -Y sign -n mend-plan -f KEY PLANFILE` makes the same approval. " +
			"The key is --key (a private key file; or a .pub file to pick that key in ssh-agent), else the only key in ssh-agent. " +
			"The signature goes to PLANFILE.<user>.sig (or -o), where apply PLANFILE finds it; apply checks it against " +
			"allowed_signers. A signature approves that plan only: one byte changed and it counts for nothing.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.approve(args[0], key, out)
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "private key file to sign with, or a public key file naming a key in ssh-agent")
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the signature (default PLANFILE.<user>.sig)")
	return cmd
}

func (a *app) approve(path, keyFlag, out string) error {
	p, raw, err := planfile.Read(path)
	if err != nil {
		return err
	}
	if p.Expired(time.Now()) {
		return fmt.Errorf("the plan expired at %s; there is nothing to approve: make a new plan", p.ExpiresAt.Format(time.RFC3339))
	}
	signer, closeFn, err := approvalSigner(keyFlag)
	if err != nil {
		return err
	}
	defer closeFn()
	armored, err := sshsig.Sign(signer, PlanNamespace, raw)
	if err != nil {
		return err
	}
	if out == "" {
		out = path + "." + safeName(operator()) + ".sig"
	}
	if err := os.WriteFile(out, armored, 0o644); err != nil {
		return fmt.Errorf("write signature: %w", err)
	}
	fmt.Fprintf(a.stdout, "Approved %s (sha256 %s): %s, made %s by %s, expires %s.\n", views.Clean(path), planfile.Digest(raw),
		views.Clean(p.Runbook.Path), p.CreatedAt.Format(time.RFC3339), views.Clean(p.CreatedBy), p.ExpiresAt.Format(time.RFC3339))
	for _, s := range p.Run.Steps {
		if s.Status == engine.StatusChange || s.Status == engine.StatusUnknown {
			gate := ""
			if s.Approval != "" {
				gate = " (gated: " + views.Clean(s.Approval) + ")"
			}
			fmt.Fprintf(a.stdout, "  %s [%s]%s\n", views.Clean(s.Address), s.Status, gate)
		}
	}
	fmt.Fprintf(a.stdout, "Signed with %s %s (namespace %s); wrote %s.\n", signer.PublicKey().Type(),
		ssh.FingerprintSHA256(signer.PublicKey()), PlanNamespace, views.Clean(out))
	return nil
}

// approvalSigner is the key to sign with: a private key file, or a key
// in ssh-agent (named by its .pub file, or the agent's only key).
func approvalSigner(keyFlag string) (ssh.Signer, func(), error) {
	nop := func() {}
	var want ssh.PublicKey
	if keyFlag != "" {
		b, err := os.ReadFile(keyFlag)
		if err != nil {
			return nil, nop, fmt.Errorf("--key: %w", err)
		}
		if s, err := ssh.ParsePrivateKey(b); err == nil {
			return s, nop, nil
		} else {
			var pm *ssh.PassphraseMissingError
			if !errors.As(err, &pm) {
				pk, _, _, _, perr := ssh.ParseAuthorizedKey(b)
				if perr != nil {
					return nil, nop, fmt.Errorf("--key %s: neither a private nor a public key: %v", keyFlag, err)
				}
				want = pk
			} else {
				want = pm.PublicKey // encrypted: sign through the agent
			}
		}
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		if want != nil {
			return nil, nop, fmt.Errorf("--key %s is encrypted or a public key, and no ssh-agent is running (SSH_AUTH_SOCK): ssh-add it to an agent", keyFlag)
		}
		return nil, nop, errors.New("no key to sign with: pass --key FILE, or run ssh-agent with your key added")
	}
	c, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		return nil, nop, fmt.Errorf("ssh-agent: %w", err)
	}
	signers, err := agent.NewClient(c).Signers()
	if err != nil {
		c.Close()
		return nil, nop, fmt.Errorf("ssh-agent: %w", err)
	}
	closeFn := func() { c.Close() }
	var fps []string
	for _, s := range signers {
		if want != nil && string(s.PublicKey().Marshal()) == string(want.Marshal()) {
			return s, closeFn, nil
		}
		fps = append(fps, ssh.FingerprintSHA256(s.PublicKey()))
	}
	if want != nil {
		closeFn()
		return nil, nop, fmt.Errorf("the key of --key %s (%s) is not in ssh-agent: ssh-add it", keyFlag, ssh.FingerprintSHA256(want))
	}
	if len(signers) != 1 {
		closeFn()
		return nil, nop, fmt.Errorf("ssh-agent holds %d keys (%s): name one with --key FILE.pub", len(signers), strings.Join(fps, ", "))
	}
	return signers[0], closeFn, nil
}

// safeName keeps a user name usable in a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}
