package stepstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// writeSuite: WriteFile replaces a file atomically with exactly the bytes
// asked for, mode and owner as the contract says, optional backup, a
// symlink followed; it refuses what it cannot do without changing
// anything, and leaves no temporary file behind.
func writeSuite(t *testing.T, s Subject) {
	h := mutable(t, s.Host(t))
	dir := s.Dir(t)
	who := strings.Fields(mustRun(t, h, "id -un; id -gn"))
	ctx := testCtx(t, 2*time.Minute)
	write := func(t *testing.T, req steps.WriteFileRequest) steps.WriteFileResult {
		t.Helper()
		res, err := h.WriteFile(ctx, req)
		if err != nil {
			t.Fatalf("WriteFile(%s): %v", req.Path, err)
		}
		return res
	}
	read := func(t *testing.T, p string) steps.File {
		t.Helper()
		f, err := h.ReadFile(ctx, p)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", p, err)
		}
		return f
	}
	t.Run("new file", func(t *testing.T) {
		p := path.Join(dir, "new")
		content := bytes.Repeat([]byte(binary), 40000) // ~0.7 MiB of every kind of byte
		res := write(t, steps.WriteFileRequest{Path: p, Content: content, Backup: true})
		sum := sha256.Sum256(content)
		if res.SHA256 != hex.EncodeToString(sum[:]) || res.BackupPath != "" {
			t.Errorf("result %+v; want sha256 %x and no backup of a new file", res, sum)
		}
		f := read(t, p)
		if !bytes.Equal(f.Content, content) || f.Mode != 0o644 || f.Owner != who[0] || f.Group != who[1] {
			t.Errorf("read back %d bytes (equal %v), mode %v, %s:%s; want the content, 0644, %s:%s",
				len(f.Content), bytes.Equal(f.Content, content), f.Mode, f.Owner, f.Group, who[0], who[1])
		}
		if got := mustRun(t, h, "sha256sum < "+q(p)); !strings.HasPrefix(got, res.SHA256) {
			t.Errorf("sha256sum on the host: %q, WriteFile said %s", got, res.SHA256)
		}
	})
	t.Run("mode kept, set, special bits", func(t *testing.T) {
		p := path.Join(dir, "mode")
		mustRun(t, h, "printf old > "+q(p)+" && chmod 0600 "+q(p))
		write(t, steps.WriteFileRequest{Path: p, Content: []byte("a")})
		if m := read(t, p).Mode; m != 0o600 {
			t.Errorf("mode zero: %v, want the old file's 0600", m)
		}
		for _, m := range []fs.FileMode{0o640, 0o755 | fs.ModeSetuid, 0o750 | fs.ModeSetgid, 0o644} {
			write(t, steps.WriteFileRequest{Path: p, Content: []byte("b"), Mode: m})
			if got := read(t, p).Mode; got != m {
				t.Errorf("mode %v: got %v", m, got)
			}
		}
	})
	t.Run("owner and group", func(t *testing.T) {
		p := path.Join(dir, "owned")
		write(t, steps.WriteFileRequest{Path: p, Content: []byte("a"), Owner: who[0], Group: who[1]})
		if f := read(t, p); f.Owner != who[0] || f.Group != who[1] {
			t.Errorf("owner %s:%s, want %s:%s", f.Owner, f.Group, who[0], who[1])
		}
		_, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: p, Content: []byte("b"), Owner: "no-such-user-mend"})
		if f := read(t, p); err == nil || string(f.Content) != "a" {
			t.Errorf("unknown owner: %v, content now %q; want an error and the file unchanged", err, f.Content)
		}
	})
	t.Run("backup", func(t *testing.T) {
		p := path.Join(dir, "backed")
		write(t, steps.WriteFileRequest{Path: p, Content: []byte("v1")})
		res := write(t, steps.WriteFileRequest{Path: p, Content: []byte("v2"), Backup: true})
		if !strings.HasPrefix(res.BackupPath, p+".mend-backup-") {
			t.Fatalf("backup path %q, want %s.mend-backup-<time>", res.BackupPath, p)
		}
		if b, f := read(t, res.BackupPath), read(t, p); string(b.Content) != "v1" || string(f.Content) != "v2" {
			t.Errorf("backup %q, file %q; want v1 and v2", b.Content, f.Content)
		}
	})
	t.Run("symlink followed and kept", func(t *testing.T) {
		target, link := path.Join(dir, "target"), path.Join(dir, "tlink")
		mustRun(t, h, "printf old > "+q(target)+" && ln -s target "+q(link))
		write(t, steps.WriteFileRequest{Path: link, Content: []byte("new")})
		if f := read(t, target); string(f.Content) != "new" {
			t.Errorf("target holds %q, want new", f.Content)
		}
		if got := run(t, h, "test -L "+q(link)); got.ExitCode != 0 {
			t.Error("the symlink was replaced by a file")
		}
	})
	t.Run("refused without a trace", func(t *testing.T) {
		sub := path.Join(dir, "sub")
		mustRun(t, h, "mkdir "+q(sub))
		for _, p := range []string{"relative/path", path.Join(dir, "no", "dir", "f"), sub} {
			if _, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: p, Content: []byte("x")}); err == nil {
				t.Errorf("WriteFile(%s) succeeded", p)
			}
		}
		done, cancel := context.WithCancel(context.Background())
		cancel()
		p := path.Join(dir, "canceled")
		if _, err := h.WriteFile(done, steps.WriteFileRequest{Path: p, Content: []byte("x")}); err == nil || read(t, p).Exists {
			t.Errorf("WriteFile with a done ctx: %v; want an error and no file", err)
		}
		if got := mustRun(t, h, "ls -A "+q(sub)); got != "" {
			t.Errorf("left in %s: %q", sub, got)
		}
	})
	t.Run("readers see old or new, never a mix", func(t *testing.T) { atomicity(t, h, path.Join(dir, "atomic")) })
	t.Run("no temporary files left", func(t *testing.T) {
		// Both transports name a temporary file .<name>.mend-…: hidden.
		if got := mustRun(t, h, "cd "+q(dir)+" && ls -A | grep '^\\.' || true"); got != "" {
			t.Errorf("left in %s: %q", dir, got)
		}
	})
}

// atomicity writes two contents in turn while reading the file: every
// read must be one of them, whole.
func atomicity(t *testing.T, h steps.MutableHost, p string) {
	a, b := bytes.Repeat([]byte("a"), 256<<10), bytes.Repeat([]byte("b"), 256<<10)
	ctx := testCtx(t, 2*time.Minute)
	if _, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: p, Content: a}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 8 && err == nil; i++ {
			_, err = h.WriteFile(ctx, steps.WriteFileRequest{Path: p, Content: [][]byte{b, a}[i%2]})
		}
		done <- err
	}()
	for reads := 0; ; reads++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if reads == 0 {
				t.Log("no read overlapped a write")
			}
			return
		default:
		}
		f, err := h.ReadFile(ctx, p)
		if err != nil || !f.Exists || !bytes.Equal(f.Content, a) && !bytes.Equal(f.Content, b) {
			t.Fatalf("read %d while writing: exists %v, %d bytes, %v; want all of one content", reads, f.Exists, len(f.Content), err)
		}
	}
}
