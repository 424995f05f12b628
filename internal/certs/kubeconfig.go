package certs

import (
	"context"
	"encoding/base64"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/mend-sh/mend/internal/yamlvalue"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Bounds on a kubeconfig read from a host (hostile until parsed).
const (
	maxKubeconfigBytes  = 1 << 20
	maxKubeconfigValues = 20000
)

// kubeEntry says where a kubeconfig keeps the certificate of an entry:
// the list it is in, the object under the name, and the two keys (data
// embedded as base64, or a file named by path).
type kubeEntry struct{ list, object, data, file string }

var (
	kubeCluster = kubeEntry{"clusters", "cluster", "certificate-authority-data", "certificate-authority"}
	kubeUser    = kubeEntry{"users", "user", "client-certificate-data", "client-certificate"}
)

// readKubeconfig reads ref.Kubeconfig on h and returns the certificate of
// the entry ref names: embedded (-data, base64) or the file it names,
// read on the same host (relative to the kubeconfig's directory, as
// kubectl reads it). A kubeconfig also holds client keys and tokens: it
// is parsed here and only the named certificate leaves this function;
// errors never quote its content.
func readKubeconfig(ctx context.Context, h steps.Host, ref FileRef) (Source, error) {
	src := Source{Host: h.Info().Name, Path: ref.Kubeconfig + "[" + ref.entry() + "]"}
	where := HostFile{Host: src.Host, Path: ref.Kubeconfig}.Where()
	data, err := readFile(ctx, h, Source{Host: src.Host, Path: ref.Kubeconfig})
	if err != nil {
		return src, err
	}
	kind, name := kubeCluster, ref.Cluster
	if ref.User != "" {
		kind, name = kubeUser, ref.User
	}
	embedded, file, err := kubeconfigEntry(data, kind, name)
	if err != nil {
		return src, steps.Errorf(steps.ClassStep, "kubeconfig %s: %v", where, err)
	}
	if file == "" {
		src.Data = embedded
		return src, nil
	}
	if !path.IsAbs(file) {
		file = path.Join(path.Dir(ref.Kubeconfig), file)
	}
	src.Path = file + " (" + kind.file + " of " + src.Path + ")"
	src.Data, err = readFile(ctx, h, Source{Host: src.Host, Path: file})
	return src, err
}

// yamlLine finds a line number in a YAML error, the one part of it that
// is sure not to quote the document.
var yamlLine = regexp.MustCompile(`line \d+`)

// kubeconfigEntry finds the entry named name in a kubeconfig's clusters
// or users and returns its embedded certificate (decoded) or the file it
// names. An entry with neither, a missing entry (the error lists the
// names there are) and undecodable data are errors.
func kubeconfigEntry(data []byte, kind kubeEntry, name string) ([]byte, string, error) {
	if len(data) > maxKubeconfigBytes {
		return nil, "", fmt.Errorf("%d bytes, more than a kubeconfig holds (1 MiB at most)", len(data))
	}
	doc, err := yamlvalue.Decode(data, maxKubeconfigValues)
	if err != nil {
		where := yamlLine.FindString(err.Error())
		if where == "" {
			where = "somewhere"
		}
		return nil, "", fmt.Errorf("not a readable YAML document (%s)", where)
	}
	var names []string
	for _, item := range elements(attr(doc, kind.list)) {
		n := stringOf(attr(item, "name"))
		names = append(names, n)
		if n != name {
			continue
		}
		obj := attr(item, kind.object)
		if d := stringOf(attr(obj, kind.data)); d != "" {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(d))
			if err != nil {
				return nil, "", fmt.Errorf("%s %q: %s is not valid base64", kind.object, name, kind.data)
			}
			return b, "", nil
		}
		if f := stringOf(attr(obj, kind.file)); f != "" {
			return nil, f, nil
		}
		return nil, "", fmt.Errorf("%s %q has neither %s nor %s", kind.object, name, kind.data, kind.file)
	}
	sort.Strings(names)
	return nil, "", fmt.Errorf("no %s named %q; it has %s", kind.object, name, listNames(names))
}

func listNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// attr is v's attribute name, or cty.NilVal when v is not an object or
// map holding it.
func attr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return cty.NilVal
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType() && ty.HasAttribute(name):
		return v.GetAttr(name)
	case ty.IsMapType() && v.HasIndex(cty.StringVal(name)).True():
		return v.Index(cty.StringVal(name))
	}
	return cty.NilVal
}

// elements is v's elements when v is a list or tuple.
func elements(v cty.Value) []cty.Value {
	if v == cty.NilVal || v.IsNull() || !(v.Type().IsTupleType() || v.Type().IsListType()) {
		return nil
	}
	return v.AsValueSlice()
}

// stringOf is v as a string, "" when it is not one.
func stringOf(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}
