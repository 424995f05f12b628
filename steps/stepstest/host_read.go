package stepstest

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

// binary is content with NUL, invalid UTF-8, CR and no final newline.
const binary = "line\r\n\x00\xff\xfe\xc0\x80 tail"

// readSuite: ReadFile's content is exact, with mode, setuid/setgid/sticky,
// owner and group; a missing file is not an error; a directory, FIFO,
// device or file over 64 MiB is one, returned at once.
func readSuite(t *testing.T, s Subject) {
	h, dir := s.Host(t), s.Dir(t)
	f := path.Join(dir, "f")
	mustRun(t, h, `printf 'line\r\n\000\377\376\300\200 tail' > `+q(f)+` && chmod 0640 `+q(f))
	who := strings.Fields(mustRun(t, h, "id -un; id -gn"))
	ctx := testCtx(t, time.Minute)
	read := func(t *testing.T, p string) steps.File {
		t.Helper()
		got, err := h.ReadFile(ctx, p)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", p, err)
		}
		return got
	}
	t.Run("content and metadata", func(t *testing.T) {
		want := steps.File{Path: f, Exists: true, Content: []byte(binary), Mode: 0o640, Owner: who[0], Group: who[1]}
		if diff := cmp.Diff(want, read(t, f)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("missing file is not an error", func(t *testing.T) {
		for _, p := range []string{path.Join(dir, "none"), path.Join(dir, "no", "such", "file")} {
			if diff := cmp.Diff(steps.File{Path: p}, read(t, p)); diff != "" {
				t.Errorf("ReadFile(%s) (-want +got):\n%s", p, diff)
			}
		}
	})
	t.Run("empty file", func(t *testing.T) {
		e := path.Join(dir, "empty")
		mustRun(t, h, ": > "+q(e))
		if got := read(t, e); !got.Exists || len(got.Content) != 0 {
			t.Errorf("got %+v, want an existing empty file", got)
		}
	})
	t.Run("symlink is followed", func(t *testing.T) {
		l := path.Join(dir, "link")
		mustRun(t, h, "ln -s f "+q(l))
		if got := read(t, l); string(got.Content) != binary || got.Path != l {
			t.Errorf("got %q at %q, want the target's content at the link's path", got.Content, got.Path)
		}
	})
	t.Run("special mode bits", func(t *testing.T) {
		for _, c := range []struct {
			chmod string
			want  fs.FileMode
		}{{"4755", 0o755 | fs.ModeSetuid}, {"2750", 0o750 | fs.ModeSetgid}, {"1644", 0o644 | fs.ModeSticky}, {"0400", 0o400}} {
			p := path.Join(dir, "m"+c.chmod)
			mustRun(t, h, ": > "+q(p)+" && chmod "+c.chmod+" "+q(p))
			if got := read(t, p).Mode; got != c.want {
				t.Errorf("chmod %s: mode %v, want %v", c.chmod, got, c.want)
			}
		}
	})
	t.Run("refused at once", func(t *testing.T) {
		// A FIFO nobody writes to would block a plain open forever,
		// /dev/zero never ends, and a sparse 4 GiB file is refused once
		// just over 64 MiB was read: all well within the deadline.
		fifo, big := path.Join(dir, "fifo"), path.Join(dir, "big")
		mustRun(t, h, "mkfifo "+q(fifo)+" && truncate -s 4G "+q(big))
		for p, want := range map[string]string{dir: "not a regular file", fifo: "not a regular file",
			"/dev/zero": "not a regular file", big: "larger than 64 MiB"} {
			start := time.Now()
			got, err := h.ReadFile(testCtx(t, time.Minute), p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), want) || steps.Classify(err) != steps.ClassStep {
				t.Errorf("ReadFile(%s) = exists %v, %d bytes, %v (class %q); want a step error naming it, %q",
					p, got.Exists, len(got.Content), err, steps.Classify(err), want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("ReadFile(%s) took %v", p, d)
			}
		}
	})
	t.Run("64 MiB is read whole", func(t *testing.T) {
		p := path.Join(dir, "cap")
		mustRun(t, h, "truncate -s 64M "+q(p))
		if got := read(t, p); len(got.Content) != 64<<20 {
			t.Errorf("read %d bytes, want %d", len(got.Content), 64<<20)
		}
	})

}
