package steps

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// FileDigest is a file's metadata, size and SHA-256, with at most the
// first bytes of its content in File.Content: what a repair needs to
// compare a large file with the desired one without moving all of it.
type FileDigest struct {
	File
	// Size is the whole file's length in bytes.
	Size int64
	// SHA256 is the hex digest of the whole content, computed on the host
	// ("" when the file does not exist).
	SHA256 string
}

// Complete reports whether Content is the whole file.
func (d FileDigest) Complete() bool { return !d.Exists || int64(len(d.Content)) == d.Size }

// DigestReader is a Host that can report a file's digest, metadata and
// first head bytes in one command, sending no more of the content. A file
// of at most head bytes comes whole. Errors are as for Host.ReadFile.
type DigestReader interface {
	ReadFileDigest(ctx context.Context, path string, head int) (FileDigest, error)
}

// ReadFileDigest reads path's digest through h, with its first head bytes
// at least: through h's DigestReader when it has one, else by reading the
// whole file (Content is then complete) and hashing it here.
func ReadFileDigest(ctx context.Context, h Host, path string, head int) (FileDigest, error) {
	if r, ok := h.(DigestReader); ok {
		return r.ReadFileDigest(ctx, path, head)
	}
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return FileDigest{}, err
	}
	return DigestOf(f), nil
}

// DigestOf is the digest of a file read whole.
func DigestOf(f File) FileDigest {
	d := FileDigest{File: f, Size: int64(len(f.Content))}
	if f.Exists {
		sum := sha256.Sum256(f.Content)
		d.SHA256 = hex.EncodeToString(sum[:])
	}
	return d
}
