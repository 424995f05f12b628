package ssh

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestFramerSplits: however the stream is cut into pieces, the framer
// passes on exactly the command's output, finds the E- line and its tail,
// and counts what lies outside the frame as stray.
func TestFramerSplits(t *testing.T) {
	nonce := "00112233445566778899aabbccddeeff"
	other := "ffeeddccbbaa99887766554433221100"
	outputs := [][]byte{
		nil, []byte("x"), []byte("\n"), []byte("abc\n\n"), []byte("E-" + nonce), []byte("\nE-" + other + " 0\n"),
		[]byte("S-" + nonce + " 12\n"), bytes.Repeat([]byte("\nE-"+nonce[:31]), 500), []byte("a\x00b\xff"),
	}
	for _, output := range outputs {
		for _, noise := range [][]byte{nil, []byte("noise\n")} {
			stream := append(append(append([]byte("login\nS-"+nonce+" 42\n"), output...), "\nE-"+nonce+" 7\n"...), noise...)
			for trial := range 50 {
				out := &limitedBuffer{max: 1 << 20}
				f := newFramer(nonce, out)
				for rest := stream; len(rest) > 0; {
					n := 1 + rand.IntN(min(len(rest), 1+trial))
					f.feed(rest[:n])
					rest = rest[n:]
				}
				if !f.done() || string(f.head) != " 42" || string(f.tail) != " 7" || !bytes.Equal(out.Bytes(), output) || f.stray != len("login\n")+len(noise) {
					t.Fatalf("output %q noise %q: done %v head %q tail %q out %q stray %d", output, noise, f.done(), f.head, f.tail, out.Bytes(), f.stray)
				}
			}
		}
	}
}

// TestFramerBareEnd: a command that could not start prints no S- line on
// stdout; its E- line ends the frame.
func TestFramerBareEnd(t *testing.T) {
	nonce := "00112233445566778899aabbccddeeff"
	f := newFramer(nonce, &limitedBuffer{max: 100})
	f.feed([]byte("\nE-" + nonce + " 127\n"))
	if !f.done() || string(f.tail) != " 127" || f.stray != 0 || f.out.buf.Len() != 0 {
		t.Errorf("done %v tail %q stray %d out %q", f.done(), f.tail, f.stray, f.out.Bytes())
	}
}
