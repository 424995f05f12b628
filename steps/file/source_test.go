package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSourceReadOnceWhileUnchanged: a source is read and hashed once for
// all the hosts of a run, and read again as soon as it changes: new
// content of the same size with a new modification time, or a file
// renamed over it.
func TestSourceReadOnceWhileUnchanged(t *testing.T) {
	c := &sources{}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.conf")
	writeFile(t, path, "version 1\n", 0o644)
	b1, sum1, err := c.read(path)
	if err != nil || string(b1) != "version 1\n" || sum1 != sha256Hex(b1) {
		t.Fatalf("read = %q, %s, %v", b1, sum1, err)
	}
	b2, _, _ := c.read(path)
	if &b1[0] != &b2[0] {
		t.Errorf("an unchanged source was read again")
	}

	writeFile(t, path, "version 2\n", 0o644) // same size
	later := time.Now().Add(time.Second)
	os.Chtimes(path, later, later)
	if b, sum, _ := c.read(path); string(b) != "version 2\n" || sum != sha256Hex(b) {
		t.Errorf("after a rewrite: %q, %s", b, sum)
	}

	other := filepath.Join(dir, "new")
	writeFile(t, other, "version 3\n", 0o644)
	os.Chtimes(other, later, later) // same size and time: only the inode differs
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := c.read(path); string(b) != "version 3\n" {
		t.Errorf("after a rename over it: %q", b)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.read(path); err == nil {
		t.Errorf("a removed source was read from the cache")
	}
}

// TestSourceReadOnceByConcurrentHosts: ten hosts asking for the same
// source at once share one read.
func TestSourceReadOnceByConcurrentHosts(t *testing.T) {
	c := &sources{}
	path := filepath.Join(t.TempDir(), "app.conf")
	writeFile(t, path, strings.Repeat("line\n", 1<<16), 0o644)
	got := make(chan *byte, 10)
	for range 10 {
		go func() {
			b, _, err := c.read(path)
			if err != nil {
				t.Error(err)
			}
			got <- &b[0]
		}()
	}
	first := <-got
	for range 9 {
		if p := <-got; p != first {
			t.Errorf("the source was read more than once")
		}
	}
}
