package tlsprobe

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAggregateVerdictOrder pins the priority of aggregated verdicts and
// which endpoint's result speaks for them.
func TestAggregateVerdictOrder(t *testing.T) {
	cases := []struct {
		verdicts     string // per endpoint, space-separated
		want         string
		wantEndpoint string
	}{
		{"ok ok ok", "ok", "e0"},
		{"unreachable unknown_authority unknown_authority", "unknown_authority", "e1"},
		{"name_mismatch expired", "expired", "e1"},
		{"unknown_authority expired", "unknown_authority", "e0"},
		{"client_cert_rejected name_mismatch", "name_mismatch", "e1"},
		{"handshake_failed client_cert_rejected", "client_cert_rejected", "e1"},
		{"ok timeout handshake_failed", "handshake_failed", "e2"},
		{"unreachable timeout ok", "timeout", "e1"},
		{"ok unreachable", "unreachable", "e1"},
	}
	for _, tc := range cases {
		t.Run(tc.verdicts, func(t *testing.T) {
			var a aggregate
			for i, v := range strings.Fields(tc.verdicts) {
				a.parts = append(a.parts, report{endpoint: "e" + string(rune('0'+i)), outcome: outcome{verdict: v}})
			}
			got := [2]string{a.verdict(), a.chosen().endpoint}
			if diff := cmp.Diff([2]string{tc.want, tc.wantEndpoint}, got); diff != "" {
				t.Errorf("(verdict, endpoint) (-want +got):\n%s", diff)
			}
		})
	}
}
