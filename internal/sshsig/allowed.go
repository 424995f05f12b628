package sshsig

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// AllowedSigners is an allowed_signers file in OpenSSH's format
// (ssh-keygen(1), ALLOWED SIGNERS): one line per key,
// "principals [options] keytype base64 [comment]", options namespaces="…",
// valid-after="…", valid-before="…". cert-authority lines are refused:
// mend does not verify certificate signatures.
type AllowedSigners struct {
	entries []entry
}

type entry struct {
	principals []string
	key        ssh.PublicKey
	namespaces []string // nil: any
	after      time.Time
	before     time.Time
	line       int
}

// maxAllowedSigners bounds the file read.
const maxAllowedSigners = 4 << 20

// LoadAllowedSigners reads and parses the file at path.
func LoadAllowedSigners(path string) (*AllowedSigners, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("allowed signers: %w", err)
	}
	if len(b) > maxAllowedSigners {
		return nil, fmt.Errorf("allowed signers %s: larger than 4 MiB", path)
	}
	a, err := ParseAllowedSigners(b)
	if err != nil {
		return nil, fmt.Errorf("%s%w", path, err)
	}
	return a, nil
}

// ParseAllowedSigners parses allowed_signers text; an error names the line
// (":N: …").
func ParseAllowedSigners(b []byte) (*AllowedSigners, error) {
	a := &AllowedSigners{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf(":%d: %v", n, err)
		}
		e.line = n
		a.entries = append(a.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf(": %v", err)
	}
	return a, nil
}

func parseEntry(line string) (entry, error) {
	var e entry
	principals, rest := cutField(line)
	if principals == "" || rest == "" {
		return e, fmt.Errorf("want \"principals [options] keytype base64-key\"")
	}
	e.principals = strings.Split(strings.Trim(principals, `"`), ",")
	key, _, opts, _, err := ssh.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return e, fmt.Errorf("key: %v", err)
	}
	e.key = key
	for _, o := range opts {
		name, val, _ := strings.Cut(o, "=")
		val = strings.Trim(val, `"`)
		switch strings.ToLower(name) {
		case "namespaces":
			e.namespaces = strings.Split(val, ",")
		case "valid-after":
			if e.after, err = parseTime(val); err != nil {
				return e, err
			}
		case "valid-before":
			if e.before, err = parseTime(val); err != nil {
				return e, err
			}
		case "cert-authority":
			return e, fmt.Errorf("cert-authority lines are not supported: list the signers' keys")
		default:
			return e, fmt.Errorf("unknown option %q", name)
		}
	}
	return e, nil
}

// cutField splits off the first whitespace-separated field, honouring
// double quotes.
func cutField(s string) (string, string) {
	inQ := false
	for i, r := range s {
		switch {
		case r == '"':
			inQ = !inQ
		case (r == ' ' || r == '\t') && !inQ:
			return s[:i], strings.TrimSpace(s[i:])
		}
	}
	return s, ""
}

// parseTime reads YYYYMMDD[HHMM[SS]][Z] (local time unless Z).
func parseTime(v string) (time.Time, error) {
	loc := time.Local
	if strings.HasSuffix(v, "Z") {
		v, loc = strings.TrimSuffix(v, "Z"), time.UTC
	}
	for _, layout := range []string{"20060102150405", "200601021504", "20060102"} {
		if len(v) == len(layout) {
			return time.ParseInLocation(layout, v, loc)
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want YYYYMMDD[HHMM[SS]][Z])", v)
}

// Principals returns the principals allowed to sign in namespace with key
// at time now (nil: none).
func (a *AllowedSigners) Principals(key ssh.PublicKey, namespace string, now time.Time) []string {
	var out []string
	kb := key.Marshal()
	for _, e := range a.entries {
		if !bytes.Equal(e.key.Marshal(), kb) {
			continue
		}
		if e.namespaces != nil && !matchAny(e.namespaces, namespace) {
			continue
		}
		if !e.after.IsZero() && now.Before(e.after) || !e.before.IsZero() && now.After(e.before) {
			continue
		}
		out = append(out, e.principals...)
	}
	return out
}

func matchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches OpenSSH patterns: * any run, ? one character.
func wildcard(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}
