package local

import (
	"bytes"
	"fmt"
)

// MaxOutput caps each captured stream (stdout, stderr) of one command at
// 8 MiB, so a runaway command cannot exhaust mend's memory: with ten steps
// in parallel that is at most 160 MiB. The SSH transport uses the same cap
// and the same note.
const MaxOutput = 8 << 20

// limitedBuffer keeps at most max bytes and counts what it drops. Only the
// goroutine exec.Cmd starts for the stream writes to it.
type limitedBuffer struct {
	max     int
	buf     bytes.Buffer
	dropped int
}

// Write keeps what fits and reports the whole of p as written, so the
// command is never blocked or killed by a full buffer.
func (b *limitedBuffer) Write(p []byte) (int, error) {
	room := max(b.max-b.buf.Len(), 0)
	if room >= len(p) {
		return b.buf.Write(p)
	}
	b.buf.Write(p[:room])
	b.dropped += len(p) - room
	return len(p), nil
}

// Bytes is the kept output, followed by a note when some was dropped; the
// note says how many bytes were kept and how many dropped.
func (b *limitedBuffer) Bytes() []byte {
	if b.dropped == 0 {
		return b.buf.Bytes()
	}
	return fmt.Appendf(b.buf.Bytes(), "\n[mend: output truncated: only the first %d bytes were kept, %d more bytes were dropped]\n",
		b.buf.Len(), b.dropped)
}
