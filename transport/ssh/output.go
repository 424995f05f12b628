package ssh

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// limitedBuffer keeps at most max bytes and notes that it cut the rest.
type limitedBuffer struct {
	max       int
	buf       bytes.Buffer
	truncated int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.buf.Len()
	if room >= len(p) {
		return b.buf.Write(p)
	}
	if room > 0 {
		b.buf.Write(p[:room])
	}
	b.truncated += len(p) - max(room, 0)
	return len(p), nil
}

// Bytes is the kept output, with a note when some was cut. The note
// names how much was kept and how much was dropped, so that a reader of
// the output (or of a step's truncation notice built from its length)
// can tell the command printed more than it sees.
func (b *limitedBuffer) Bytes() []byte {
	if b.truncated == 0 {
		return b.buf.Bytes()
	}
	return fmt.Appendf(b.buf.Bytes(), "\n[mend: output truncated: only the first %d bytes were kept, %d more bytes were dropped]\n",
		b.buf.Len(), b.truncated)
}

func newMarker() string {
	var b [8]byte
	rand.Read(b[:])
	return "mend-pgid-" + hex.EncodeToString(b[:]) + ":"
}

// pgidFilter passes stderr through to out, except for the line the
// command wrapper prints first (marker + process group id), which it
// removes and reports on pgid.
type pgidFilter struct {
	marker string
	out    *limitedBuffer
	pgid   chan int

	mu      sync.Mutex
	pending []byte
	seen    bool // the marker line was found
	done    bool // stop looking for it
}

func newPgidFilter(marker string, out *limitedBuffer) *pgidFilter {
	return &pgidFilter{marker: marker, out: out, pgid: make(chan int, 1)}
}

func (f *pgidFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return f.out.Write(p)
	}
	f.pending = append(f.pending, p...)
	for !f.done {
		i := bytes.IndexByte(f.pending, '\n')
		if i < 0 {
			break
		}
		line := string(f.pending[:i])
		if id, ok := strings.CutPrefix(line, f.marker); ok {
			f.seen, f.done = true, true
			if n, err := strconv.Atoi(id); err == nil {
				f.pgid <- n
			}
		} else {
			f.out.Write(f.pending[:i+1])
		}
		f.pending = f.pending[i+1:]
	}
	if len(f.pending) > 4096 {
		f.done = true // login noise without newlines; give up looking
	}
	if f.done {
		f.out.Write(f.pending)
		f.pending = nil
	}
	return len(p), nil
}

// flush writes out anything still held back.
func (f *pgidFilter) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out.Write(f.pending)
	f.pending, f.done = nil, true
}

func (f *pgidFilter) found() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen
}
