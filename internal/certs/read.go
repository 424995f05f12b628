package certs

import (
	"context"
	"fmt"

	"github.com/mend-sh/mend/steps"
)

// HostFile is a certificate bundle together with where it was read from.
type HostFile struct {
	Host string // inventory name of the host the file was read from
	Path string
	Bundle
}

// Where is "path on host", for messages.
func (f HostFile) Where() string { return fmt.Sprintf("%s on %s", f.Path, f.Host) }

// ReadBundle reads path on h and parses it as a certificate bundle. A
// missing file, a file without certificates or a certificate that does not
// parse is a ClassStep error naming the path and host; a transport error
// keeps its own class. Errors never quote file content.
func ReadBundle(ctx context.Context, h steps.Host, path string) (HostFile, error) {
	hf := HostFile{Host: h.Info().Name, Path: path}
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return hf, fmt.Errorf("read %s: %w", hf.Where(), err)
	}
	if !f.Exists {
		return hf, steps.Errorf(steps.ClassStep, "%s: no such file", hf.Where())
	}
	b, err := ParseBundle(f.Content)
	if err != nil {
		return hf, steps.Errorf(steps.ClassStep, "%s: %v", hf.Where(), err)
	}
	hf.Bundle = b
	return hf, nil
}

// ReadRef resolves ref's host (see ResolveHost) and reads its bundle.
func ReadRef(ctx context.Context, target steps.Host, hosts steps.HostResolver, ref FileRef) (HostFile, error) {
	h, err := ResolveHost(ctx, target, hosts, ref.Host)
	if err != nil {
		return HostFile{Host: ref.Host, Path: ref.Path}, fmt.Errorf("%s: %w", ref.Path, err)
	}
	return ReadBundle(ctx, h, ref.Path)
}

// Notes returns lines for step details about what a file held beyond its
// first certificate: further certificates and skipped non-certificate
// blocks (named by type only; their content is never shown).
func (f HostFile) Notes() []string {
	var notes []string
	if n := len(f.Certs); n > 1 {
		notes = append(notes, fmt.Sprintf("%s holds %d certificates; the first is reported", f.Where(), n))
	}
	for _, t := range f.Skipped {
		notes = append(notes, fmt.Sprintf("%s: skipped a %s block (never shown)", f.Where(), t))
	}
	return notes
}
