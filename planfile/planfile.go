// Package planfile is mend's saved plan: what `mend plan -out FILE` wrote
// and `mend apply FILE` executes exactly, refusing when anything the plan
// recorded differs now (the runbook, inputs, inventory, host keys,
// diagnose results, repair previews), when it expired, or when it was
// applied before.
//
// A plan file is JSON. Its digest is the sha256 of its bytes: approvals
// sign those bytes and the audit log records the digest. Secrets never
// appear in it: sensitive inputs, var files and diagnose results are kept
// as keyed digests (HMAC-SHA256 with the plan key, see Key), and every
// text in the embedded run went through the engine's redactor.
package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mend-sh/mend/engine"
)

// Format and Version identify a plan file.
const (
	Format  = "mend-plan"
	Version = 1
	// MaxSize bounds a plan file read back (its run holds previews).
	MaxSize = 64 << 20
	// DefaultTTL is how long a plan stays valid unless -expires says.
	DefaultTTL = 24 * time.Hour
)

// Plan is a saved plan.
type Plan struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedBy string    `json:"created_by"`
	// KeyID names the plan key the digests are keyed with (not the key).
	KeyID string `json:"plan_key_id"`

	Runbook   Source   `json:"runbook"`
	Inventory *Source  `json:"inventory,omitempty"`
	VarFiles  []Source `json:"var_files,omitempty"`
	// VarArgs are the -var NAME=VALUE options of non-sensitive variables,
	// given again to apply. Sensitive ones are never kept: apply needs
	// them given again, and checks them against Vars.
	VarArgs []string `json:"var_args,omitempty"`
	Vars    []Var    `json:"vars,omitempty"`
	Hosts   []Host   `json:"hosts,omitempty"`
	Steps   []Step   `json:"steps"`
	// Run is the plan as `plan -format json` shows it (redacted), for
	// review (mend show).
	Run *engine.Run `json:"run"`
}

// Source is an input file: its path as given, its digest, and (for the
// runbook) its text, for review.
type Source struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"` // plain digest: runbooks and inventories hold no secrets
	Digest string `json:"digest,omitempty"` // keyed digest: var files may hold secrets
	Text   string `json:"text,omitempty"`
}

// Var is a resolved input: its value in clear, or for a sensitive one
// only a keyed digest.
type Var struct {
	Name      string          `json:"name"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"`
	Digest    string          `json:"digest,omitempty"`
}

// Host is an inventory host the plan reached, and the key it presented.
type Host struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Port    int    `json:"port,omitempty"`
	User    string `json:"user,omitempty"`
	HostKey string `json:"host_key,omitempty"` // SHA256:… as ssh-keygen -l prints it
}

// Step is what apply compares: each step's status per host, the keyed
// digest of the diagnose results the runbook uses, and the digest of each
// repair preview.
type Step struct {
	Address string     `json:"address"`
	Status  string     `json:"status"`
	Hosts   []StepHost `json:"hosts,omitempty"`
}

// StepHost is one step on one host.
type StepHost struct {
	Host          string `json:"host,omitempty"`
	Status        string `json:"status"`
	ResultDigest  string `json:"result_digest,omitempty"`
	PreviewSHA256 string `json:"preview_sha256,omitempty"`
	Summary       string `json:"summary,omitempty"`
}

// Digest is the hex sha256 of a plan file's bytes.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Marshal encodes p as the bytes written to the file.
func Marshal(p *Plan) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes p to path atomically (temporary file, fsync, rename),
// mode 0600, and returns the file's digest.
func Write(path string, p *Plan) (string, error) {
	b, err := Marshal(p)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".mend-plan-*")
	if err != nil {
		return "", fmt.Errorf("write plan %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write plan %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write plan %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write plan %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write plan %s: %w", path, err)
	}
	return Digest(b), nil
}

// Read reads and parses a plan file; it returns the plan, its bytes and
// their digest.
func Read(path string) (*Plan, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("read plan: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("read plan %s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read plan: %w", err)
	}
	if len(b) > MaxSize {
		return nil, nil, fmt.Errorf("read plan %s: larger than %d MiB; not a mend plan", path, MaxSize>>20)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, b, nil
}

// Parse decodes plan file bytes and checks its format and version.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a mend plan file: %v", err)
	}
	if p.Format != Format {
		return nil, fmt.Errorf("not a mend plan file (format %q, want %q)", p.Format, Format)
	}
	if p.Version != Version {
		return nil, fmt.Errorf("plan file version %d; this mend reads version %d: make the plan again with this mend", p.Version, Version)
	}
	if p.Run == nil {
		return nil, fmt.Errorf("plan file holds no run")
	}
	return &p, nil
}

// LooksLikePlan reports whether the file at path starts like a plan file
// (JSON), not like a runbook (HCL), so apply can take either.
func LooksLikePlan(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	return bytes.HasPrefix(bytes.TrimLeft(buf[:n], " \t\r\n"), []byte("{"))
}

// Expired reports whether the plan is past its expiry at now.
func (p *Plan) Expired(now time.Time) bool {
	return !p.ExpiresAt.IsZero() && now.After(p.ExpiresAt)
}
