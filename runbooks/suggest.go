package runbooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
)

// nearest returns the candidate closest to given by edit distance, or ""
// when none is close enough to be a likely typo. The threshold (fewer than
// three edits) is hcl's own, so our suggestions read like hcl's. Ties go
// to the candidate that sorts first, so a suggestion never depends on map
// order.
func nearest(given string, candidates []string) string {
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	best, bestDist := "", 3
	for _, c := range sorted {
		if c == given {
			continue
		}
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean returns ` Did you mean "x"?` (with a leading space, to append
// to a Detail) for the nearest candidate, or "".
func didYouMean(given string, candidates []string) string {
	if s := nearest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// quotedList renders names as `"a", "b" and "c"`, sorted, for Details that
// list what is allowed.
func quotedList(names []string) string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	quoted := make([]string, len(sorted))
	for i, n := range sorted {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	switch len(quoted) {
	case 0:
		return "none"
	case 1:
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}
