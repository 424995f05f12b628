package engine

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// TestEvidenceBounded: however much a step's commands print, the record
// keeps the first and the last evidenceMax/2 bytes and says how many it
// dropped between them.
func TestEvidenceBounded(t *testing.T) {
	var e evidence
	if e.bytes() != nil {
		t.Fatal("no output recorded, yet evidence is not nil")
	}
	e.add([]byte("start\n"))
	for range 1000 {
		e.add(bytes.Repeat([]byte("x"), 1000))
	}
	e.add([]byte("\nthe end"))
	got := string(e.bytes())
	if len(got) > evidenceMax+100 {
		t.Errorf("evidence is %d bytes, want at most about %d", len(got), evidenceMax)
	}
	total := 6 + 1000*1000 + 8
	want := total - evidenceMax
	if !strings.HasPrefix(got, "start\n") || !strings.HasSuffix(got, "\nthe end") ||
		!strings.Contains(got, "[... "+strconv.Itoa(want)+" bytes omitted ...]") {
		t.Errorf("evidence head %q ... tail %q, want start ... the end with %d omitted", got[:20], got[len(got)-60:], want)
	}
}

// TestEvidenceHidesSecrets: output holding key material, or from a step
// whose arguments derive from a secret, is not kept at all.
func TestEvidenceHidesSecrets(t *testing.T) {
	e := evidence{}
	e.add([]byte("ok\n"))
	e.add([]byte("-----BEGIN PRIVATE KEY-----\nMC4CAQ\n"))
	e.add([]byte("later\n"))
	if got := string(e.bytes()); got != hiddenEvidence {
		t.Errorf("key material: evidence %q, want %q", got, hiddenEvidence)
	}
	s := evidence{sensitive: true}
	s.add([]byte("anything"))
	if got := string(s.bytes()); got != hiddenEvidence {
		t.Errorf("sensitive arguments: evidence %q, want %q", got, hiddenEvidence)
	}
}
