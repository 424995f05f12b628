package steps

import "fmt"

// UnmarshalText reads a Phase from its keyword, so a saved plan's run
// reads back as it was written.
func (p *Phase) UnmarshalText(b []byte) error {
	for _, q := range []Phase{Diagnose, Repair} {
		if q.String() == string(b) {
			*p = q
			return nil
		}
	}
	return fmt.Errorf("unknown phase %q", b)
}
