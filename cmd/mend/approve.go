package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mend-sh/mend/approval"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshsig"
	"github.com/mend-sh/mend/planfile"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
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
	signer, closeFn, err := sshsig.LoadSigner(keyFlag, "--key")
	if err != nil {
		return err
	}
	defer closeFn()
	armored, err := sshsig.Sign(signer, approval.Namespace, raw)
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
		ssh.FingerprintSHA256(signer.PublicKey()), approval.Namespace, views.Clean(out))
	return nil
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
