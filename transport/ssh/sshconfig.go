package ssh

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// mend reads the OpenSSH client config with its own parser rather than
// github.com/kevinburke/ssh_config, which has no Match and evaluates
// Include differently: OpenSSH's semantics are small enough to follow
// exactly (first value wins, Host and Match lines switch a block on or
// off in order, Include is read in place under the current block), and
// TestSSHConfigGolden compares the result with `ssh -G`.

// sshValue is one directive line: its arguments and where it was.
type sshValue struct {
	args []string
	file string
	line int
}

func (v sshValue) where() string {
	if v.file == "" {
		return "the target"
	}
	return fmt.Sprintf("%s:%d", v.file, v.line)
}

// sshOptions are the directives in effect for one host: the first value
// of each keyword, and every value of the keywords that accumulate.
type sshOptions struct {
	first map[string]sshValue
	all   map[string][]sshValue
}

// accumulating keywords keep every value, in order, as OpenSSH does.
var accumulating = map[string]bool{"identityfile": true, "certificatefile": true}

func (o *sshOptions) set(key string, v sshValue) {
	if accumulating[key] {
		o.all[key] = append(o.all[key], v)
	}
	// ProxyCommand and ProxyJump share one slot: the first of either wins.
	if (key == "proxyjump" || key == "proxycommand") && (o.has("proxyjump") || o.has("proxycommand")) {
		return
	}
	if !o.has(key) {
		o.first[key] = v
	}
}

func (o *sshOptions) has(key string) bool { _, ok := o.first[key]; return ok }

// firstValue is key's first value; o may be nil (no ssh_config).
func (o *sshOptions) firstValue(key string) (sshValue, bool) {
	if o == nil {
		return sshValue{}, false
	}
	v, ok := o.first[key]
	return v, ok
}

// get returns the first argument of key's first value, or "".
func (o *sshOptions) get(key string) string {
	if v, ok := o.first[key]; ok && len(v.args) > 0 {
		return v.args[0]
	}
	return ""
}

// configEval reads an ssh_config for one host, in order.
type configEval struct {
	host      string // the alias as given (%n); Host lines match it
	localUser string
	opts      *sshOptions
	ignore    string // IgnoreUnknown pattern list
}

const maxIncludeDepth = 16

// evalSSHConfig returns the options in effect for alias in the config at
// path, starting from preset (values set by the target, which win like
// ssh's command-line options).
func evalSSHConfig(path, alias string, preset map[string]string) (*sshOptions, error) {
	o := &sshOptions{first: map[string]sshValue{}, all: map[string][]sshValue{}}
	for k, v := range preset {
		if v != "" {
			o.first[k] = sshValue{args: []string{v}}
		}
	}
	c := &configEval{host: alias, localUser: localUser(), opts: o}
	if err := c.readFile(path, true, false, 0); err != nil {
		return nil, err
	}
	return o, nil
}

func (c *configEval) readFile(path string, active, never bool, depth int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return steps.Errorf(steps.ClassConfig, "read ssh config: %w", err)
	}
	for i, raw := range strings.Split(string(data), "\n") {
		where := fmt.Sprintf("%s:%d", path, i+1)
		key, args, err := splitConfigLine(raw)
		if err != nil {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: %v", where, err)
		}
		if key == "" {
			continue
		}
		switch key {
		case "host":
			active = !never && matchHostLine(c.host, args)
		case "match":
			m, err := c.matchLine(args, where)
			if err != nil {
				return err
			}
			active = !never && m
		case "include":
			if err := c.include(args, where, active, never, depth); err != nil {
				return err
			}
		default:
			if err := c.directive(key, args, where, path, i+1, active); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *configEval) directive(key string, args []string, where, path string, line int, active bool) error {
	if _, known := directiveClass[key]; !known {
		if matchPatternList(key, strings.ToLower(c.ignore), false) == 1 {
			return nil
		}
		return steps.Errorf(steps.ClassConfig, "ssh config %s: unknown directive %q (OpenSSH would refuse it too; list it in IgnoreUnknown if another client needs it)", where, key)
	}
	if key == "ignoreunknown" && active && c.ignore == "" {
		c.ignore = args[0]
	}
	if active {
		c.opts.set(key, sshValue{args: args, file: path, line: line})
	}
	return nil
}

// include reads each file of an Include line in place: under the current
// block when it is active, else with every block of the file off.
// Relative paths are relative to ~/.ssh, as for a user config.
func (c *configEval) include(args []string, where string, active, never bool, depth int) error {
	if depth >= maxIncludeDepth {
		return steps.Errorf(steps.ClassConfig, "ssh config %s: Include nested more than %d deep", where, maxIncludeDepth)
	}
	for _, pat := range args {
		pat = expandTilde(pat)
		if !filepath.IsAbs(pat) {
			pat = filepath.Join(homeDir(), ".ssh", pat)
		}
		files, err := filepath.Glob(pat)
		if err != nil {
			return steps.Errorf(steps.ClassConfig, "ssh config %s: Include %q: %v", where, pat, err)
		}
		sort.Strings(files)
		for _, f := range files {
			if err := c.readFile(f, active, never || !active, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// matchHostLine reports whether a Host line's patterns select host: one
// positive pattern matches and no negated one does.
func matchHostLine(host string, patterns []string) bool {
	matched := false
	for _, p := range patterns {
		if neg := strings.HasPrefix(p, "!"); neg {
			if matchPattern(host, p[1:]) {
				return false
			}
		} else if matchPattern(host, p) {
			matched = true
		}
	}
	return matched
}

func expandTilde(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		return filepath.Join(homeDir(), p[1:])
	}
	return p
}
