package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCPUProfile: --cpuprofile FILE and MEND_CPUPROFILE=FILE write a
// pprof profile (gzip-compressed protobuf) of the command.
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	rb := filepath.Join(dir, "rb.mend.hcl")
	if err := os.WriteFile(rb, []byte("variable \"x\" {\n  default = 1\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	flag, env := filepath.Join(dir, "flag.prof"), filepath.Join(dir, "env.prof")
	var out, errb bytes.Buffer
	if code := Main([]string{"validate", "--cpuprofile", flag, rb}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	t.Setenv("MEND_CPUPROFILE", env)
	if code := Main([]string{"validate", rb}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, p := range []string{flag, env} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: %v, %d bytes; want a gzip-compressed profile", p, err, len(b))
		}
	}
}
