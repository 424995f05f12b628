package steps

import (
	"strings"
	"testing"
)

// BenchmarkContainsSecret is the scan of a 1 MiB text file with no secret
// in it (the file repair of issue 12's benchmark).
//
//	go test -run '^$' -bench ContainsSecret ./steps/
func BenchmarkContainsSecret(b *testing.B) {
	content := []byte(strings.Repeat("server_name example.org; # a line of ordinary configuration\n", 1<<20/60))
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if ContainsSecret(content) {
			b.Fatal("found a secret")
		}
	}
}
