package ssh

import (
	"bytes"
	"slices"
)

// framer cuts one command's output out of a runner's output stream. The
// runner prints "S-<nonce>\n" before the command's output and
// "\nE-<nonce><tail>\n" after it (see runnerChunk); the nonce is fresh for
// each command, so lines with other nonces are output like any other.
// What the framer passes to out is exactly what the command printed:
// not the markers, not the "\n" the framing puts before E-. Bytes before
// the S- line or after the E- line belong to no command of ours (a
// background process of an earlier command still writing, or login
// noise before the first): they are counted as stray, the first few kept
// in noise, and otherwise dropped. Memory stays bounded whatever
// streams by: out caps itself, and the framer holds back at most one
// marker's length.
type framer struct {
	start []byte // "S-<nonce>"
	end   []byte // "\nE-<nonce>"
	out   *limitedBuffer

	state frameState
	carry []byte // held back: a marker may begin in it
	head  []byte // after the S- marker, up to its newline
	tail  []byte // after the E- marker, up to its newline
	stray int    // bytes outside the frame
	noise limitedBuffer
}

type frameState int

const (
	frameWaitStart frameState = iota
	frameHead
	frameBody
	frameTail
	frameDone
)

// maxFrameTail bounds what may follow "S-<nonce>" or "\nE-<nonce>" before
// its newline: " <pid> <what the host has>" or " <exit status>".
const maxFrameTail = 64

func newFramer(nonce string, out *limitedBuffer) *framer {
	return &framer{
		start: []byte("S-" + nonce), end: []byte("\nE-" + nonce), out: out,
		noise: limitedBuffer{max: 4096},
	}
}

// done reports whether the E- line was read in full.
func (f *framer) done() bool { return f.state == frameDone }

// started reports whether the S- line was read.
func (f *framer) started() bool { return f.state > frameHead }

// feed takes the next bytes of the stream.
func (f *framer) feed(b []byte) {
	for len(b) > 0 {
		switch f.state {
		case frameWaitStart:
			b = f.waitStart(b)
		case frameHead:
			b = f.line(&f.head, frameBody, b)
		case frameBody:
			b = f.body(b)
		case frameTail:
			b = f.line(&f.tail, frameDone, b)
		case frameDone:
			f.strayBytes(b)
			b = nil
		}
	}
}

// waitStart looks for the S- line, or the E- line when the command
// could not start (so printed no S- line); it returns what follows the
// marker.
func (f *framer) waitStart(b []byte) []byte {
	f.carry = append(f.carry, b...)
	i, next, n := bytes.Index(f.carry, f.start), frameHead, len(f.start)
	if j := bytes.Index(f.carry, f.end[1:]); j >= 0 && (i < 0 || j < i) {
		i, next, n = j, frameTail, len(f.end)-1
	}
	if i >= 0 {
		stray := f.carry[:i]
		if next == frameTail && i > 0 && stray[i-1] == '\n' {
			stray = stray[:i-1] // the framing's own "\n" before E-
		}
		f.strayBytes(stray)
		rest := slices.Clone(f.carry[i+n:])
		f.carry, f.state = f.carry[:0], next
		return rest
	}
	if keep := len(f.end) - 1; len(f.carry) > keep {
		cut := len(f.carry) - keep
		f.strayBytes(f.carry[:cut])
		f.carry = append(f.carry[:0], f.carry[cut:]...)
	}
	return nil
}

// body passes output on up to the E- marker; it returns what follows
// the marker. Only the few bytes held back are copied: b itself is
// searched and written out in place.
func (f *framer) body(b []byte) []byte {
	if len(f.carry) > 0 {
		joint := append(f.carry, b[:min(len(b), len(f.end)-1)]...)
		if i := bytes.Index(joint, f.end); i >= 0 {
			f.out.Write(joint[:i])
			used := i + len(f.end) - len(f.carry) // the marker ends in b
			f.carry, f.state = f.carry[:0], frameTail
			return b[used:]
		}
		if len(joint) < len(f.carry)+len(b) {
			f.out.Write(f.carry)
			f.carry = f.carry[:0]
		} else {
			f.carry = joint
			return f.holdBack(nil)
		}
	}
	if i := bytes.Index(b, f.end); i >= 0 {
		f.out.Write(b[:i])
		f.state = frameTail
		return b[i+len(f.end):]
	}
	return f.holdBack(b)
}

// holdBack writes out carry and b but for their last bytes, which a
// marker may begin with.
func (f *framer) holdBack(b []byte) []byte {
	data := b
	if len(f.carry) > 0 {
		data = append(f.carry, b...)
	}
	keep := min(len(data), len(f.end)-1)
	f.out.Write(data[:len(data)-keep])
	f.carry = append(f.carry[:0], data[len(data)-keep:]...)
	return nil
}

// line collects the rest of a marker's line into *to, up to its newline,
// then moves on to next; it returns what follows the line. A line too long
// to be ours ends the frame: the caller sees a bad head or tail.
func (f *framer) line(to *[]byte, next frameState, b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		*to = append(*to, b...)
		if len(*to) > maxFrameTail {
			f.state = frameDone
		}
		return nil
	}
	*to = append(*to, b[:i]...)
	f.state = next
	return b[i+1:]
}

func (f *framer) strayBytes(b []byte) {
	f.stray += len(b)
	f.noise.Write(b)
}

// unframed is the start of what came outside the frame, with what is
// still held back: what the runner's shell (or sudo) said when it ended
// before its first frame.
func (f *framer) unframed() []byte {
	b := f.noise.Bytes()
	if f.state == frameWaitStart {
		b = append(b[:len(b):len(b)], f.carry...)
	}
	return b
}
