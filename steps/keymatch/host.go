package keymatch

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// pubkeyScript checks the key file on the host and derives its public key
// there. Its arguments (stdin lines): the key's path, "yes" to read a
// world-readable key, "yes" when a passphrase line follows (openssl reads
// that line itself, -passin stdin: it is never in a command line or an
// environment). It prints "mend-mode MODE", "mend-encrypted yes|no", then
// openssl's PUBLIC KEY block and "mend-openssl RC". Exit 3: no usable
// file; 5: world-readable and refused (before anything read the key); 6:
// no openssl.
const pubkeyScript = `IFS= read -r key || exit 90
IFS= read -r allow || exit 90
IFS= read -r pass || exit 90
export LC_ALL=C
[ -e "$key" ] || { echo "no such file" >&2; exit 3; }
[ -f "$key" ] || { echo "not a regular file" >&2; exit 3; }
mode=$(stat -L -c %a -- "$key") || exit 3
echo "mend-mode $mode"
case $mode in *[4567]) [ "$allow" = yes ] || exit 5;; esac
command -v openssl >/dev/null 2>&1 || { echo "openssl is not installed" >&2; exit 6; }
enc=no
if head -c 1048576 -- "$key" | grep -q ENCRYPTED; then enc=yes; fi
echo "mend-encrypted $enc"
if [ "$enc" = yes ]; then
  [ "$pass" = yes ] || exit 0
  timeout -s KILL 20 openssl pkey -in "$key" -pubout -passin stdin
else
  timeout -s KILL 20 openssl pkey -in "$key" -pubout </dev/null
fi
echo "mend-openssl $?"`

// keyFacts is what the host said about the key. Public is nil when the
// key is encrypted and no passphrase was given, or openssl failed.
type keyFacts struct {
	mode      string // "0600"
	encrypted bool
	public    crypto.PublicKey
	opensslRC int // -1: openssl did not run
	message   string
}

// readKey runs pubkeyScript for k.
func readKey(ctx context.Context, host steps.Host, k check) (keyFacts, error) {
	args := []string{k.key, yes(k.allowWorld), yes(k.passphrase != "")}
	if k.passphrase != "" {
		args = append(args, k.passphrase)
	}
	r, err := hostscript.Run(ctx, host, pubkeyScript, args...)
	if err != nil {
		return keyFacts{}, err
	}
	f := parseKeyFacts(r.Stdout)
	f.message = hostscript.LastLine(r.Stderr, 200)
	switch r.ExitCode {
	case 0:
	case 5:
		return f, steps.Errorf(steps.ClassStep, "key_match: %s is readable by anyone (mode %s): refused unread; the key is exposed already: chmod o-r it (and consider it compromised), or set allow_world_readable = true to compare it anyway", k.key, f.mode)
	default:
		return f, r.Failed("key_match: reading " + k.key)
	}
	if !f.encrypted && f.opensslRC != 0 {
		return f, steps.Errorf(steps.ClassStep, "key_match: openssl could not read %s as a private key (exit %d): %s", k.key, f.opensslRC, f.message)
	}
	return f, nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// parseKeyFacts reads the script's output. Only a PUBLIC KEY block is
// ever parsed; anything else openssl might print is ignored.
func parseKeyFacts(out []byte) keyFacts {
	f := keyFacts{opensslRC: -1}
	rest := out
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type == "PUBLIC KEY" && f.public == nil {
			if pub, err := x509.ParsePKIXPublicKey(blk.Bytes); err == nil {
				f.public = pub
			}
		}
	}
	lines, _ := hostscript.Lines(out, 1000)
	for _, line := range lines {
		k, v, _ := strings.Cut(string(bytes.TrimSpace(line)), " ")
		switch k {
		case "mend-mode":
			if n, err := strconv.ParseUint(v, 8, 32); err == nil {
				f.mode = fmt.Sprintf("%04o", n&0o7777)
			}
		case "mend-encrypted":
			f.encrypted = v == "yes"
		case "mend-openssl":
			if n, err := strconv.Atoi(v); err == nil {
				f.opensslRC = n
			}
		}
	}
	if f.opensslRC != 0 {
		f.public = nil
	}
	return f
}
