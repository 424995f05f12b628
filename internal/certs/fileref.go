package certs

import (
	"context"
	"fmt"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// FileRef names a file on an inventory host. An empty Host means the
// step's own target host (from `on`).
type FileRef struct {
	Host string
	Path string
}

// String is "path" for a file on the target host, "host:path" otherwise.
// tls_probe's verified_by uses this form.
func (r FileRef) String() string {
	if r.Host == "" {
		return r.Path
	}
	return r.Host + ":" + r.Path
}

// ParseFileRef reads a file reference from a runbook value: a string (a
// path on the step's target host) or an object `{ host = "...", path =
// "..." }` whose host is optional. what names the argument in errors
// ("a", "candidate_ca_files[1]"). Unknown values are an error: callers that
// validate before values are known check IsWhollyKnown first.
func ParseFileRef(v cty.Value, what string) (FileRef, error) {
	v, _ = v.UnmarkDeep()
	switch {
	case v == cty.NilVal || v.IsNull():
		return FileRef{}, fmt.Errorf("%s: a file is required (a path, or { host = ..., path = ... })", what)
	case !v.IsWhollyKnown():
		return FileRef{}, fmt.Errorf("%s: value not known yet", what)
	case v.Type() == cty.String:
		return refOf(FileRef{Path: v.AsString()}, what)
	case v.Type().IsObjectType() || v.Type().IsMapType():
		return parseRefObject(v, what)
	}
	return FileRef{}, fmt.Errorf("%s: want a path string or { host = ..., path = ... }, got %s", what, v.Type().FriendlyName())
}

func parseRefObject(v cty.Value, what string) (FileRef, error) {
	var ref FileRef
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		s, err := stringAttr(ev, what+"."+k.AsString())
		if err != nil {
			return FileRef{}, err
		}
		switch k.AsString() {
		case "host":
			ref.Host = s
		case "path":
			ref.Path = s
		default:
			return FileRef{}, fmt.Errorf("%s: unsupported attribute %q (want host and path)", what, k.AsString())
		}
	}
	return refOf(ref, what)
}

func stringAttr(v cty.Value, what string) (string, error) {
	if v.IsNull() {
		return "", nil
	}
	if v.Type() != cty.String {
		return "", fmt.Errorf("%s: want a string, got %s", what, v.Type().FriendlyName())
	}
	return v.AsString(), nil
}

func refOf(ref FileRef, what string) (FileRef, error) {
	if ref.Path == "" {
		return FileRef{}, fmt.Errorf("%s: path is empty", what)
	}
	return ref, nil
}

// ParseFileRefs reads a list (or tuple, or set) of file references, each
// as ParseFileRef accepts. Null or absent gives nil.
func ParseFileRefs(v cty.Value, what string) ([]FileRef, error) {
	v, _ = v.UnmarkDeep()
	if v == cty.NilVal || v.IsNull() {
		return nil, nil
	}
	if !v.IsKnown() || !v.CanIterateElements() || v.Type().IsObjectType() || v.Type().IsMapType() {
		return nil, fmt.Errorf("%s: want a list of paths or { host, path } objects, got %s", what, v.Type().FriendlyName())
	}
	var refs []FileRef
	for it := v.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		ref, err := ParseFileRef(ev, fmt.Sprintf("%s[%d]", what, len(refs)))
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// ResolveHost returns the host a FileRef's Host names: target when name is
// empty or is target's own name, else the inventory host from hosts. It
// fails with a config error when the step has no target and no name was
// given.
func ResolveHost(ctx context.Context, target steps.Host, hosts steps.HostResolver, name string) (steps.Host, error) {
	if name == "" {
		if target == nil {
			return nil, steps.Errorf(steps.ClassConfig, "no host: give host = \"...\" or put the step `on` a host")
		}
		return target, nil
	}
	if target != nil && target.Info().Name == name {
		return target, nil
	}
	if hosts == nil {
		return nil, steps.Errorf(steps.ClassInternal, "host %q: no host resolver in the request", name)
	}
	return hosts.Host(ctx, name)
}
