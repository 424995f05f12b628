package puppet

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

// isNoise reports whether a line is Facter complaining about what it
// cannot read (e.g. "Error: Facter: Permission denied @ rb_sysopen -
// /proc/1/environ"): it affects no resource and no exit code.
func isNoise(line string) bool {
	return strings.HasPrefix(line, "Error: Facter:") || strings.HasPrefix(line, "Warning: Facter:")
}

// splitLines returns out's lines without Facter noise, and how many noise
// lines were dropped.
func splitLines(outs ...[]byte) (lines []string, noise int) {
	for _, out := range outs {
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if isNoise(line) {
				noise++
				continue
			}
			lines = append(lines, line)
		}
	}
	return lines, noise
}

// errorLines returns the "Error:" lines (noise already dropped), at most max.
func errorLines(lines []string, max int) []string {
	var errs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Error: ") && len(errs) < max {
			errs = append(errs, l)
		}
	}
	return errs
}

// disabledLine returns the agent's "Skipping run ... administratively
// disabled (Reason: '...')" line, if the run was skipped because the
// agent is disabled.
func disabledLine(lines []string) (string, bool) {
	for _, l := range lines {
		if strings.Contains(l, "administratively disabled") {
			return l, true
		}
	}
	return "", false
}

// event is one resource property event line:
// "Notice: /Stage[main]/Main/File[/etc/x]/content: current_value ..., should be ... (noop)".
type event struct {
	resource string // "File[/etc/x]"
	typ      string // "File"
	title    string // "/etc/x"
	noop     bool   // ends in "(noop)": would change, was not changed
}

var eventLine = regexp.MustCompile(`^Notice: /(.+?)/([a-z_]+): (.*)$`)

// resourceRef matches a resource reference: Type[title] or Mod::Type[title].
var resourceRef = regexp.MustCompile(`^([A-Z][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*)\[(.*)\]$`)

// events parses the property event lines. The resource is the last
// reference in the event's path (after stage, classes and defined types):
// the rightmost "/Type[" whose remainder is a whole reference. A title
// that itself holds "/Upper[" and ends in "]" would be cut there.
func events(lines []string) []event {
	var evs []event
	for _, l := range lines {
		m := eventLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if ev, ok := lastResource(m[1]); ok {
			ev.noop = strings.HasSuffix(m[3], "(noop)")
			evs = append(evs, ev)
		}
	}
	return evs
}

func lastResource(path string) (event, bool) {
	for i := len(path) - 1; i >= 0; i-- {
		if i > 0 && path[i-1] != '/' {
			continue
		}
		if m := resourceRef.FindStringSubmatch(path[i:]); m != nil {
			if strings.HasPrefix(path[i:], "Stage[") {
				return event{}, false
			}
			return event{resource: path[i:], typ: m[1], title: m[2]}, true
		}
	}
	return event{}, false
}

// parseSummary reads the two-level numbers of last_run_summary.yaml into
// "section.key" -> value ("resources.out_of_sync" -> 2); other lines are
// skipped. It is not a YAML parser: puppet writes this file in one fixed,
// simple shape.
func parseSummary(b []byte) map[string]float64 {
	vals := map[string]float64{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			section = key
			continue
		}
		if n, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			vals[section+"."+key] = n
		}
	}
	return vals
}
