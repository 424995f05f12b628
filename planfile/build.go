package planfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Inputs is what a plan was made from, as the CLI loaded it.
type Inputs struct {
	Runbook   *runbooks.Runbook
	Inventory *runbooks.Inventory // nil without -i
	VarFiles  []string
	VarArgs   []string // -var NAME=VALUE as given
	Vars      map[string]cty.Value
	HostKeys  map[string]string // inventory name -> host key fingerprint seen
	Operator  string
	Now       time.Time
	TTL       time.Duration
}

// New builds the saved plan of run. Nothing secret is copied in clear:
// sensitive variables and var files become keyed digests.
func New(key Key, in Inputs, run *engine.Run) (*Plan, error) {
	ttl := in.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	p := &Plan{
		Format: Format, Version: Version,
		CreatedAt: in.Now.UTC().Truncate(time.Second), ExpiresAt: in.Now.Add(ttl).UTC().Truncate(time.Second),
		CreatedBy: in.Operator, KeyID: key.ID(),
		Runbook: Source{Path: in.Runbook.Filename, SHA256: in.Runbook.SHA256, Text: string(in.Runbook.Source)},
		Run:     run,
	}
	if in.Inventory != nil {
		sum, err := fileSHA256(in.Inventory.Filename)
		if err != nil {
			return nil, err
		}
		p.Inventory = &Source{Path: in.Inventory.Filename, SHA256: sum}
		for _, h := range in.Inventory.Hosts {
			p.Hosts = append(p.Hosts, Host{Name: h.Name, Address: h.Address, Port: h.Port, User: h.User, HostKey: in.HostKeys[h.Name]})
		}
	}
	for _, f := range in.VarFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		p.VarFiles = append(p.VarFiles, Source{Path: f, Digest: key.Digest("var file", b)})
	}
	sensitive := sensitiveNames(in.Runbook)
	for _, kv := range in.VarArgs {
		name, _, _ := strings.Cut(kv, "=")
		if !sensitive[name] {
			p.VarArgs = append(p.VarArgs, kv)
		}
	}
	vars, err := VarRecords(key, in.Vars, sensitive)
	if err != nil {
		return nil, err
	}
	p.Vars = vars
	for _, sr := range run.Steps {
		s := Step{Address: sr.Address, Status: string(sr.Status)}
		for _, h := range sr.Hosts {
			s.Hosts = append(s.Hosts, StepHost{Host: h.Host, Status: string(h.Status), ResultDigest: h.ResultDigest,
				PreviewSHA256: previewSHA256(h), Summary: h.Summary})
		}
		p.Steps = append(p.Steps, s)
	}
	return p, nil
}

// VarRecords lists the resolved variables by name: in clear, or as a keyed
// digest for a sensitive one (declared so, or marked).
func VarRecords(key Key, vars map[string]cty.Value, sensitive map[string]bool) ([]Var, error) {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Var
	for _, n := range names {
		v := vars[n]
		marked := v.ContainsMarked()
		plain, _ := v.UnmarkDeep()
		b, err := ctyjson.Marshal(plain, plain.Type())
		if err != nil {
			return nil, fmt.Errorf("plan: variable %s: %v", n, err)
		}
		if sensitive[n] || marked {
			out = append(out, Var{Name: n, Sensitive: true, Digest: key.Digest("var "+n, b)})
			continue
		}
		out = append(out, Var{Name: n, Value: json.RawMessage(b)})
	}
	return out, nil
}

func sensitiveNames(rb *runbooks.Runbook) map[string]bool {
	out := map[string]bool{}
	for _, v := range rb.Variables {
		if v.Sensitive {
			out[v.Name] = true
		}
	}
	return out
}

// previewSHA256 is the digest of a host's (redacted) preview.
func previewSHA256(h *engine.HostRun) string {
	if h.Preview == nil {
		return ""
	}
	b, err := json.Marshal(h.Preview)
	if err != nil {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("plan: %w", err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
