package planfile

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Key keys the digests a plan keeps of what must not be in it in clear
// (sensitive inputs, var files, diagnose results): without the key, a
// digest of a short secret cannot be checked against guesses. The plan
// and its apply must use the same key: by default a random key made on
// first use in mend's state directory, or a file a team shares (--plan-key).
type Key []byte

// keySize is the length of a generated key in bytes.
const keySize = 32

// LoadKey reads the key at path. When create is set and the file does not
// exist, a new random key is written there first (mode 0600).
func LoadKey(path string, create bool) (Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("plan key: %w", err)
		}
		k := make([]byte, keySize)
		if _, err := rand.Read(k); err != nil {
			return nil, fmt.Errorf("plan key: %w", err)
		}
		enc := hex.EncodeToString(k) + "\n"
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, fs.ErrExist) { // another mend made it first
				return LoadKey(path, false)
			}
			return nil, fmt.Errorf("plan key: %w", err)
		}
		if _, err := f.WriteString(enc); err != nil {
			f.Close()
			return nil, fmt.Errorf("plan key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("plan key: %w", err)
		}
		return Key(k), nil
	}
	if err != nil {
		return nil, fmt.Errorf("plan key: %w (the key plans were made with is needed to apply them; pass --plan-key)", err)
	}
	s := strings.TrimSpace(string(b))
	k, err := hex.DecodeString(s)
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("plan key %s: want at least 32 hex digits on one line", path)
	}
	return Key(k), nil
}

// ID names the key without revealing it.
func (k Key) ID() string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("mend plan key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// Digest is the keyed digest of b in context what ("var", "var file").
func (k Key) Digest(what string, b []byte) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("mend " + what + "\x00"))
	m.Write(b)
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}
