package certs_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/zclconf/go-cty/cty"
)

func TestParseFileRef(t *testing.T) {
	cases := []struct {
		name    string
		in      cty.Value
		want    certs.FileRef
		wantErr string
	}{
		{"path string", cty.StringVal("/etc/ca.pem"), certs.FileRef{Path: "/etc/ca.pem"}, ""},
		{"object with host", cty.ObjectVal(map[string]cty.Value{
			"host": cty.StringVal("master"), "path": cty.StringVal("/etc/ca.pem")}),
			certs.FileRef{Host: "master", Path: "/etc/ca.pem"}, ""},
		{"object without host", cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("/etc/ca.pem")}),
			certs.FileRef{Path: "/etc/ca.pem"}, ""},
		{"map", cty.MapVal(map[string]cty.Value{"host": cty.StringVal("etcd"), "path": cty.StringVal("/x")}),
			certs.FileRef{Host: "etcd", Path: "/x"}, ""},
		{"sensitive path", cty.StringVal("/etc/ca.pem").Mark("sensitive"), certs.FileRef{Path: "/etc/ca.pem"}, ""},
		{"no path", cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("m")}), certs.FileRef{}, "a: path is empty"},
		{"typo", cty.ObjectVal(map[string]cty.Value{"pth": cty.StringVal("/x")}), certs.FileRef{},
			`a: unsupported attribute "pth" (want host and path, pem, or kubeconfig with cluster or user)`},
		{"number", cty.NumberIntVal(3), certs.FileRef{}, "a: want a path string or { host = ..., path = ... }, got number"},
		{"host not a string", cty.ObjectVal(map[string]cty.Value{"host": cty.True, "path": cty.StringVal("/x")}),
			certs.FileRef{}, "a.host: want a string, got bool"},
		{"null", cty.NullVal(cty.String), certs.FileRef{}, "a: a file is required (a path, or { host = ..., path = ... })"},
		{"absent", cty.NilVal, certs.FileRef{}, "a: a file is required (a path, or { host = ..., path = ... })"},
		{"unknown", cty.UnknownVal(cty.String), certs.FileRef{}, "a: value not known yet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := certs.ParseFileRef(tc.in, "a")
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseFileRef (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFileRefs(t *testing.T) {
	mixed := cty.TupleVal([]cty.Value{
		cty.StringVal("/a.pem"),
		cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("etcd"), "path": cty.StringVal("/b.pem")}),
	})
	got, err := certs.ParseFileRefs(mixed, "candidate_ca_files")
	if err != nil {
		t.Fatal(err)
	}
	want := []certs.FileRef{{Path: "/a.pem"}, {Host: "etcd", Path: "/b.pem"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseFileRefs (-want +got):\n%s", diff)
	}
	if got := want[1].String(); got != "etcd:/b.pem" {
		t.Errorf("String() = %q, want etcd:/b.pem", got)
	}
	_, err = certs.ParseFileRefs(cty.TupleVal([]cty.Value{cty.StringVal("")}), "candidate_ca_files")
	if diff := cmp.Diff("candidate_ca_files[0]: path is empty", errText(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = certs.ParseFileRefs(cty.StringVal("/a.pem"), "candidate_ca_files")
	if diff := cmp.Diff("candidate_ca_files: want a list of paths or { host, path } objects, got string", errText(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if refs, err := certs.ParseFileRefs(cty.NilVal, "x"); refs != nil || err != nil {
		t.Errorf("absent list = %v, %v; want nil, nil", refs, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
