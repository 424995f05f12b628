package certs

import (
	"context"
	"fmt"

	"github.com/mend-sh/mend/steps"
)

// HostFile is a certificate bundle together with where it was read from.
type HostFile struct {
	Host string // inventory name of the host the file was read from; "" for inline PEM
	// Path is the file's path; for a kubeconfig entry the kubeconfig's
	// path and the entry ("/etc/kubernetes/admin.conf[user admin]"); for
	// inline PEM "inline PEM".
	Path string
	Bundle
}

// Where is "path on host" (or just Path for inline PEM), for messages.
func (f HostFile) Where() string {
	if f.Host == "" {
		return f.Path
	}
	return fmt.Sprintf("%s on %s", f.Path, f.Host)
}

// ReadBundle reads path on h and parses it as a certificate bundle. A
// missing file, a file without certificates or a certificate that does not
// parse is a ClassStep error naming the path and host; a transport error
// keeps its own class. Errors never quote file content.
func ReadBundle(ctx context.Context, h steps.Host, path string) (HostFile, error) {
	return ReadRef(ctx, h, nil, FileRef{Path: path})
}

// ReadRef reads the certificates ref names: a file on its host (see
// ResolveHost), inline PEM, or a kubeconfig entry. Errors are as
// ReadBundle's.
func ReadRef(ctx context.Context, target steps.Host, hosts steps.HostResolver, ref FileRef) (HostFile, error) {
	src, err := ReadSource(ctx, target, hosts, ref)
	hf := HostFile{Host: src.Host, Path: src.Path}
	if err != nil {
		return hf, err
	}
	b, err := ParseBundle(src.Data)
	if err != nil {
		return hf, steps.Errorf(steps.ClassStep, "%s: %v", hf.Where(), err)
	}
	hf.Bundle = b
	return hf, nil
}

// Source is the bytes a FileRef names (PEM or DER, not parsed yet), with
// where they came from as HostFile names it.
type Source struct {
	Host, Path string
	Data       []byte
}

// ReadSource reads the bytes ref names without parsing them: key_match
// uses it to accept a certificate request as well as a certificate.
func ReadSource(ctx context.Context, target steps.Host, hosts steps.HostResolver, ref FileRef) (Source, error) {
	if ref.PEM != "" {
		return Source{Path: "inline PEM", Data: []byte(ref.PEM)}, nil
	}
	path := ref.Path
	if ref.Kubeconfig != "" {
		path = ref.Kubeconfig
	}
	h, err := ResolveHost(ctx, target, hosts, ref.Host)
	if err != nil {
		return Source{Host: ref.Host, Path: path}, fmt.Errorf("%s: %w", path, err)
	}
	if ref.Kubeconfig != "" {
		return readKubeconfig(ctx, h, ref)
	}
	src := Source{Host: h.Info().Name, Path: path}
	src.Data, err = readFile(ctx, h, src)
	return src, err
}

// readFile reads src's file on h; a missing file is a ClassStep error.
func readFile(ctx context.Context, h steps.Host, src Source) ([]byte, error) {
	hf := HostFile{Host: src.Host, Path: src.Path}
	f, err := h.ReadFile(ctx, src.Path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", hf.Where(), err)
	}
	if !f.Exists {
		return nil, steps.Errorf(steps.ClassStep, "%s: no such file", hf.Where())
	}
	return f.Content, nil
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
