package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/audit"
)

// TestAuditJSONExactAndSafe: a stored line with DEL, a C1 CSI and a bidi
// override in a string is written with the same values and none of
// those characters raw.
func TestAuditJSONExactAndSafe(t *testing.T) {
	raw := []byte("{\"seq\":7,\"prev\":\"\",\"time\":\"2026-12-05T19:00:00.123456789Z\",\"run_id\":\"r\",\"event\":\"note\",\"reason\":\"a\x7fb\u009b31mc\u202ed\"}")
	var buf bytes.Buffer
	if err := AuditJSON(&buf, []audit.Line{{Raw: raw}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"\x7f", "\u009b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q raw: %q", bad, out)
		}
	}
	var want, got map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v: %q", err, out)
	}
	if want["reason"] != got["reason"] || want["time"] != got["time"] {
		t.Errorf("values changed: %v -> %v", want, got)
	}
	if !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("not one object per line: %q", out)
	}
}

func TestAuditRecordsEscapes(t *testing.T) {
	var buf bytes.Buffer
	recs := []audit.Record{{Seq: 3, Time: time.Date(2026, 12, 5, 19, 0, 0, 0, time.UTC), RunID: "r\x1b[2J", Event: audit.EventStepStart, Step: "repair.x.y", Host: "h"}}
	if err := AuditRecords(&buf, recs); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") || !strings.Contains(buf.String(), `r\x1b[2J`) || !strings.HasSuffix(buf.String(), "1 records\n") {
		t.Errorf("AuditRecords:\n%s", buf.String())
	}
}
