package certs

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// FileRef says where certificates come from: a file on an inventory
// host (Path), PEM given inline (PEM: a variable, or another step's
// output such as x509_inspect's pem), or one entry of a kubeconfig file
// on a host (Kubeconfig with Cluster for its certificate-authority, or
// User for its client-certificate, embedded as -data or a file the
// kubeconfig names). Exactly one of Path, PEM and Kubeconfig is set. An
// empty Host means the step's own target host (from `on`).
type FileRef struct {
	Host       string
	Path       string
	PEM        string
	Kubeconfig string
	Cluster    string
	User       string
}

// String is "path" for a file on the target host, "host:path" otherwise;
// "inline PEM" for PEM, and the kubeconfig's path with its entry
// ("/etc/kubernetes/admin.conf[user kubernetes-admin]"). tls_probe's
// verified_by uses this form.
func (r FileRef) String() string {
	p := r.Path
	switch {
	case r.PEM != "":
		return "inline PEM"
	case r.Kubeconfig != "":
		p = r.Kubeconfig + "[" + r.entry() + "]"
	}
	if r.Host == "" {
		return p
	}
	return r.Host + ":" + p
}

// entry names the kubeconfig entry: "user NAME" or "cluster NAME".
func (r FileRef) entry() string {
	if r.User != "" {
		return "user " + r.User
	}
	return "cluster " + r.Cluster
}

// ParseFileRef reads a file reference from a runbook value: a string (a
// path on the step's target host, or PEM when it starts with
// "-----BEGIN") or an object `{ host = "...", path = "..." }` whose host
// is optional, `{ pem = "..." }`, or `{ host = "...", kubeconfig =
// "...", cluster = "..." }` (or user = "..."). what names the argument in errors
// ("a", "candidate_ca_files[1]"). Unknown values are an error: callers that
// validate before values are known check IsWhollyKnown first.
func ParseFileRef(v cty.Value, what string) (FileRef, error) {
	v, _ = v.UnmarkDeep()
	switch {
	case v == cty.NilVal || v.IsNull():
		return FileRef{}, fmt.Errorf("%s: a file is required (a path, or { host = ..., path = ... })", what)
	case !v.IsWhollyKnown():
		return FileRef{}, fmt.Errorf("%s: value not known yet", what)
	case v.Type() == cty.String && isPEM(v.AsString()):
		return FileRef{PEM: v.AsString()}, nil
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
		case "pem":
			ref.PEM = s
		case "kubeconfig":
			ref.Kubeconfig = s
		case "cluster":
			ref.Cluster = s
		case "user":
			ref.User = s
		default:
			return FileRef{}, fmt.Errorf("%s: unsupported attribute %q (want host and path, pem, or kubeconfig with cluster or user)", what, k.AsString())
		}
	}
	return refOf(ref, what)
}

// isPEM reports whether s looks like PEM content rather than a path.
func isPEM(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "-----BEGIN ") }

func stringAttr(v cty.Value, what string) (string, error) {
	if v.IsNull() {
		return "", nil
	}
	if v.Type() != cty.String {
		return "", fmt.Errorf("%s: want a string, got %s", what, v.Type().FriendlyName())
	}
	return v.AsString(), nil
}

// CheckFileRef checks a FileRef built from a step's own arguments as
// ParseFileRef checks one from a value. Errors are of class config,
// prefixed with what, and name the argument at fault (steps.ArgError)
// when there is one.
func CheckFileRef(ref FileRef, what string) (FileRef, error) {
	attr, msg := refProblem(ref)
	switch {
	case msg == "":
		return ref, nil
	case attr == "":
		return FileRef{}, steps.Errorf(steps.ClassConfig, "%s: %s", what, msg)
	}
	return FileRef{}, steps.ArgErrorf(attr, "%s: %s", what, msg)
}

// refOf checks ref as CheckFileRef does, for a value's reference.
func refOf(ref FileRef, what string) (FileRef, error) {
	if _, msg := refProblem(ref); msg != "" {
		return FileRef{}, fmt.Errorf("%s: %s", what, msg)
	}
	return ref, nil
}

// refProblem says what is wrong with ref, if anything, and which
// argument is at fault: it must name exactly one source, and a
// kubeconfig exactly one entry.
func refProblem(ref FileRef) (attr, msg string) {
	var given []string
	for _, a := range [][2]string{{"path", ref.Path}, {"pem", ref.PEM}, {"kubeconfig", ref.Kubeconfig}} {
		if a[1] != "" {
			given = append(given, a[0])
		}
	}
	switch {
	case len(given) == 0:
		return "", "path is empty"
	case len(given) > 1:
		return given[1], "give one of path, pem and kubeconfig, not several"
	case ref.PEM != "" && ref.Host != "":
		return "host", "host makes no sense with pem (inline PEM is on no host)"
	case ref.Kubeconfig != "" && (ref.Cluster == "") == (ref.User == ""):
		return "kubeconfig", `with kubeconfig, give cluster = "NAME" (its certificate-authority) or user = "NAME" (its client-certificate), one of them`
	case ref.Kubeconfig == "" && ref.Cluster != "":
		return "cluster", "cluster and user select a kubeconfig entry: set kubeconfig too"
	case ref.Kubeconfig == "" && ref.User != "":
		return "user", "cluster and user select a kubeconfig entry: set kubeconfig too"
	case ref.PEM != "" && !isPEM(ref.PEM):
		return "pem", "pem does not start with a PEM header (-----BEGIN ...)"
	}
	return "", ""
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
