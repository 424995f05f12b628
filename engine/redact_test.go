package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func TestRedactor(t *testing.T) {
	vars := map[string]cty.Value{
		"token": cty.StringVal(`Zq9"CANARY\pw x`).Mark("sensitive"),
		"multi": cty.StringVal("password=LINEONE1\nuser=LINETWO2\n").Mark("sensitive"),
		"pin":   cty.NumberIntVal(731052).Mark("sensitive"),
		"mode":  cty.NumberIntVal(600).Mark("sensitive"),
		"m":     cty.MapVal(map[string]cty.Value{"KEYCANARY": cty.StringVal("VALCANARY")}).Mark("sensitive"),
		"plain": cty.StringVal("visible-value"),
	}
	r := newRedactor(vars)
	for _, tc := range []struct{ name, in, want string }{
		{"as is", `tok Zq9"CANARY\pw x end`, "tok (sensitive) end"},
		{"go quoted", `body does not contain "Zq9\"CANARY\\pw x"`, `body does not contain "(sensitive)"`},
		{"url path", "GET /Zq9%22CANARY%5Cpw%20x", "GET /(sensitive)"},
		{"url query", "?k=Zq9%22CANARY%5Cpw+x", "?k=(sensitive)"},
		{"a line of a multi-line secret", "+password=LINEONE1", "+(sensitive)"},
		{"a long number", "pin 731052", "pin (sensitive)"},
		{"a short number is left alone", "mode 0600", "mode 0600"},
		{"map keys and values", "KEYCANARY=VALCANARY", "(sensitive)=(sensitive)"},
		{"cut off before an ellipsis", `run curl -H 'Bearer Zq9"CANA…`, `run curl -H 'Bearer (sensitive)…`},
		{"cut off before a spaced ellipsis", `run curl -H 'Bearer Zq9"CANARY\p …`, `run curl -H 'Bearer (sensitive) …`},
		{"cut off at the end", `stderr: Zq9"CANARY\p`, `stderr: (sensitive)`},
		{"cut off at each line's end", "Zq9\"CANARY\\p\nZq9\"CAN\r\nok\n", "(sensitive)\n(sensitive)\r\nok\n"},
		{"each line as the views show it", "a Zq9\"CANA\nb", "a (sensitive)\nb"},
		{"a short prefix is left alone", `Zq9"…`, `Zq9"…`},
		{"not sensitive", "visible-value", "visible-value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	// Text redacted whole is redacted as each of its lines is on its own:
	// views show output line by line, the audit log and JSON keep it whole.
	for _, text := range []string{"x Zq9\"CANARY\\\nZq9\"CA\nZq9\"CANARY\\pw x\n", "KEYCANARY\nVALCAN\nvisible-value"} {
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			lines = append(lines, r.String(l))
		}
		if whole, each := r.String(text), strings.Join(lines, "\n"); whole != each {
			t.Errorf("String(%q) = %q, but line by line %q", text, whole, each)
		}
	}
	if d := cmp.Diff([]string{"mode"}, r.ShortSecrets()); d != "" {
		t.Errorf("ShortSecrets (-want +got):\n%s", d)
	}
}
