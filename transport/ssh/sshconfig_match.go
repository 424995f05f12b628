package ssh

import (
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// matchLine evaluates a Match line as OpenSSH does: criteria left to
// right, each optionally negated with !; host matches the HostName so far
// (%h expanded), originalhost the alias, user the User so far (else the
// local user), localuser the local user. Criteria mend cannot evaluate
// (exec, localnetwork, canonical, final, tagged) are refused when they
// would decide the outcome, i.e. when every criterion before them held.
func (c *configEval) matchLine(args []string, where string) (bool, error) {
	if len(args) == 0 {
		return false, steps.Errorf(steps.ClassConfig, "ssh config %s: Match without criteria", where)
	}
	result := true
	for i := 0; i < len(args); i++ {
		attr := strings.ToLower(args[i])
		neg := strings.HasPrefix(attr, "!")
		attr = strings.TrimPrefix(attr, "!")
		if attr == "all" {
			if len(args) > 1 {
				return false, steps.Errorf(steps.ClassConfig, "ssh config %s: Match all cannot be combined with other criteria", where)
			}
			return !neg, nil
		}
		subject, ok := c.matchSubject(attr)
		if !ok {
			if !result {
				i += criterionArgs(attr)
				continue
			}
			return false, steps.Errorf(steps.ClassConfig,
				"ssh config %s: mend cannot evaluate Match %s (it supports Match all, host, originalhost, user and localuser); it would decide how this host is reached, so mend refuses the config rather than guess",
				where, attr)
		}
		if i+1 >= len(args) {
			return false, steps.Errorf(steps.ClassConfig, "ssh config %s: Match %s needs a pattern list", where, attr)
		}
		i++
		m := matchPatternList(subject, args[i], attr == "host" || attr == "originalhost") == 1
		if m == neg {
			result = false
		}
	}
	return result, nil
}

// matchSubject is the string a Match criterion compares its patterns with.
func (c *configEval) matchSubject(attr string) (string, bool) {
	switch attr {
	case "host":
		if h := c.opts.get("hostname"); h != "" {
			return strings.NewReplacer("%%", "%", "%h", c.host).Replace(h), true
		}
		return c.host, true
	case "originalhost":
		return c.host, true
	case "user":
		if u := c.opts.get("user"); u != "" {
			return u, true
		}
		return c.localUser, true
	case "localuser":
		return c.localUser, true
	}
	return "", false
}

// criterionArgs is how many arguments a criterion mend does not evaluate
// takes, to skip it once the line can no longer match.
func criterionArgs(attr string) int {
	if attr == "canonical" || attr == "final" {
		return 0
	}
	return 1
}

// matchPatternList is OpenSSH's match_pattern_list: 1 when a positive
// comma-separated pattern matches and no negated one does, -1 when a
// negated one matches, 0 otherwise. lower lowercases the patterns.
func matchPatternList(s, list string, lower bool) int {
	got := 0
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if lower {
			p = strings.ToLower(p)
		}
		if matchPattern(s, p) {
			if neg {
				return -1
			}
			got = 1
		}
	}
	return got
}

// matchPattern is OpenSSH's match_pattern: * matches any run of
// characters, ? any one; everything else literally, case-sensitively.
func matchPattern(s, p string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if matchPattern(s[i:], p[1:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
		}
		s, p = s[1:], p[1:]
	}
	return s == ""
}

// splitConfigLine splits one ssh_config line into its lowercased keyword
// and arguments as OpenSSH does: "Key value", "Key=value" or
// "Key = value"; arguments split at blanks, grouped by double or single
// quotes, with \ escaping a quote, a backslash or (unquoted) a space; a
// # starting an argument ends the line. An empty or comment line gives "".
func splitConfigLine(line string) (string, []string, error) {
	line = strings.TrimLeft(line, " \t\r\f")
	end := strings.IndexAny(line, " \t\r\f=")
	if end < 0 {
		end = len(line)
	}
	key := strings.ToLower(line[:end])
	if key == "" || key[0] == '#' {
		return "", nil, nil
	}
	rest := strings.TrimLeft(line[end:], " \t\r\f")
	if strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], " \t\r\f")
	}
	if key == "proxycommand" {
		// As ssh takes it: the rest of the line, as written, for the shell.
		if rest = strings.TrimRight(rest, " \t\r\f"); rest == "" {
			return "", nil, fmt.Errorf("no argument after keyword %q", key)
		}
		return key, []string{rest}, nil
	}
	args, err := splitArgs(rest)
	if err != nil {
		return "", nil, err
	}
	if len(args) == 0 {
		return "", nil, fmt.Errorf("no argument after keyword %q", key)
	}
	return key, args, nil
}

func splitArgs(s string) ([]string, error) {
	var args []string
	for {
		s = strings.TrimLeft(s, " \t\r\f")
		if s == "" || s[0] == '#' {
			return args, nil
		}
		var arg strings.Builder
		var quote byte
		i := 0
		for ; i < len(s); i++ {
			ch := s[i]
			if quote == 0 && strings.IndexByte(" \t\r\f", ch) >= 0 {
				break
			}
			switch {
			case ch == '\\' && i+1 < len(s) && (strings.IndexByte(`'"\`, s[i+1]) >= 0 || (quote == 0 && s[i+1] == ' ')):
				i++
				arg.WriteByte(s[i])
			case quote == 0 && (ch == '"' || ch == '\''):
				quote = ch
			case quote != 0 && ch == quote:
				quote = 0
			default:
				arg.WriteByte(ch)
			}
		}
		if quote != 0 {
			return nil, fmt.Errorf("unterminated quote")
		}
		args = append(args, arg.String())
		s = s[i:]
	}
}
