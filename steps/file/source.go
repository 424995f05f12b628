package file

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync"

	"github.com/mend-sh/mend/internal/localfile"
)

// sourceFile is a local source file as read, with its digest.
type sourceFile struct {
	info    os.FileInfo // at the read; the entry is good while the file still matches it
	content []byte
	sum     string
}

// maxCachedSourceBytes bounds what sourceCache keeps: past it, a new entry
// starts the cache afresh.
const maxCachedSourceBytes = 64 << 20

// sources keeps the local source files read, by path: a run previews and
// applies one source on many hosts, and reading and hashing a megabyte
// for each of them cost more than the transfer. An entry is used while
// the file is the same one (same inode) with the same size, mode and
// modification time; any change of those reads it again.
type sources struct {
	mu    sync.Mutex
	m     map[string]sourceFile
	bytes int
	// loading is held while a source is read, so that the hosts of a run
	// asking for it at once wait for one read rather than each reading it.
	loading sync.Mutex
}

var sourceCache = &sources{}

// read returns path's content and hex sha256, from the cache when the file
// has not changed since it was read.
func (c *sources) read(path string) ([]byte, string, error) {
	if e, ok := c.cached(path); ok {
		return e.content, e.sum, nil
	}
	c.loading.Lock()
	defer c.loading.Unlock()
	if e, ok := c.cached(path); ok { // read meanwhile by another host
		return e.content, e.sum, nil
	}
	st, _ := os.Stat(path)
	b, err := localfile.Read("", path)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	e := sourceFile{info: st, content: b, sum: hex.EncodeToString(sum[:])}
	if st != nil && int64(len(b)) == st.Size() {
		c.put(path, e)
	}
	return e.content, e.sum, nil
}

// cached returns the entry for path if the file has not changed since.
func (c *sources) cached(path string) (sourceFile, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return sourceFile{}, false
	}
	c.mu.Lock()
	e, ok := c.m[path]
	c.mu.Unlock()
	return e, ok && sameFile(st, e.info)
}

func (c *sources) put(path string, e sourceFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.bytes+len(e.content) > maxCachedSourceBytes {
		c.m, c.bytes = map[string]sourceFile{}, 0
	}
	c.bytes += len(e.content) - len(c.m[path].content)
	c.m[path] = e
}

// sameFile reports whether a and b describe the same unchanged file.
func sameFile(a, b os.FileInfo) bool {
	return b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.Mode() == b.Mode() && a.ModTime().Equal(b.ModTime())
}
