package main

import (
	"fmt"
	"time"

	"github.com/mend-sh/mend/audit/checkpoint"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/internal/sshsig"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
)

// auditSignCommand is `mend audit sign`: a signed checkpoint of the log's
// current head.
func (a *app) auditSignCommand() *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "sign [LOG] [--key KEY]",
		Short: "Sign a checkpoint of the log's last record with your SSH key (SSHSIG, namespace mend-audit), appended to LOG.checkpoints",
		Long: "sign verifies the log, then signs the text naming the log (the sha256 of its first line), its last record's seq " +
			"and line sha256, and the time, in the SSHSIG format of ssh-keygen -Y sign, namespace \"mend-audit\". The checkpoint " +
			"is appended to LOG.checkpoints and noted in the log. `mend audit verify --allowed-signers FILE` then catches a " +
			"rewrite of the log and its head from the last checkpoint on. The key is --key (a private key file, or a .pub " +
			"file naming a key in ssh-agent), else the only key in ssh-agent.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			signer, closeFn, err := sshsig.LoadSigner(key, "--key")
			if err != nil {
				return err
			}
			defer closeFn()
			c, err := checkpoint.Sign(path, signer, operator(), time.Now())
			if c.Signature == nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: signed checkpoint of record %d (sha256 %s) with %s %s (namespace %s); appended to %s\n",
				path, c.Seq, c.SHA256, signer.PublicKey().Type(), ssh.FingerprintSHA256(signer.PublicKey()), checkpoint.Namespace, checkpoint.Path(path))
			return err
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "private key file to sign with, or a public key file naming a key in ssh-agent")
	return cmd
}

// auditCheckpointsCommand is `mend audit checkpoints --export DIR`.
func (a *app) auditCheckpointsCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "checkpoints [LOG] --export DIR",
		Short: "Write each signed checkpoint as a message and a .sig file that ssh-keygen -Y verify checks without mend",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			files, err := checkpoint.Export(path, dir)
			for _, f := range files {
				fmt.Fprintf(a.stdout, "record %d: %s %s\n", f.Seq, f.Message, f.Signature)
			}
			if err == nil && len(files) > 0 {
				fmt.Fprintf(a.stdout, "check each: ssh-keygen -Y verify -f ALLOWED_SIGNERS -I PRINCIPAL -n %s -s FILE.sig < FILE.msg\n", checkpoint.Namespace)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "export", "", "directory to write the files to")
	_ = cmd.MarkFlagRequired("export")
	return cmd
}

// verifyCheckpoints is the checkpoint half of `mend audit verify
// --allowed-signers FILE`; it reports and returns errSilent on failure.
func (a *app) verifyCheckpoints(path, allowedPath string) error {
	allowed, err := sshsig.LoadAllowedSigners(allowedPath)
	if err != nil {
		return err
	}
	rep, err := checkpoint.Verify(path, allowed, time.Now())
	if err != nil {
		fmt.Fprintf(a.stderr, "%s: checkpoints FAILED (%d of %d verified):\n%s\n", path, len(rep.Verified),
			len(rep.Verified)+len(rep.Problems), views.CleanBlock(err.Error()))
		return errSilent
	}
	last := rep.Verified[len(rep.Verified)-1]
	fmt.Fprintf(a.stdout, "%s: ok: %d signed checkpoints; the last, of record %d, by %s (%s) at %s; records after it are protected by the hash chain only\n",
		path, len(rep.Verified), last.Seq, views.Clean(last.Principal), last.Fingerprint, last.Time.UTC().Format(time.RFC3339))
	return nil
}
