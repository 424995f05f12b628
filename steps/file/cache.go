package file

import "sync"

// changeKey identifies a content change's preview: the same path, old and
// new content (by SHA-256) and sensitivity always give the same preview.
type changeKey struct {
	path      string
	exists    bool
	old, new  string // hex sha256
	sensitive bool
}

// maxCachedChanges bounds the cache: a run previews a few files, each on
// many hosts; a new entry past the bound starts the cache afresh.
const maxCachedChanges = 64

// changes caches computed previews (see diffContent). Hosts previewing
// the same change at once wait for one computation. Entries are small: a
// diff is computed only for content under maxDiffBytes.
type changes struct {
	mu sync.Mutex
	m  map[changeKey]*changeEntry
}

type changeEntry struct {
	once sync.Once
	ch   contentChange
}

var changeCache = &changes{}

// get returns the preview for k, computing it with compute only if no
// other caller has.
func (c *changes) get(k changeKey, compute func() contentChange) contentChange {
	c.mu.Lock()
	e := c.m[k]
	if e == nil {
		if c.m == nil || len(c.m) >= maxCachedChanges {
			c.m = map[changeKey]*changeEntry{}
		}
		e = &changeEntry{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.ch = compute() })
	return e.ch
}
