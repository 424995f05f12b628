package x509step_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

func TestParseFileRef(t *testing.T) {
	cases := []struct {
		name    string
		in      cty.Value
		want    x509step.FileRef
		wantErr string
	}{
		{"path string", cty.StringVal("/etc/ca.pem"), x509step.FileRef{Path: "/etc/ca.pem"}, ""},
		{"object with host", cty.ObjectVal(map[string]cty.Value{
			"host": cty.StringVal("master"), "path": cty.StringVal("/etc/ca.pem")}),
			x509step.FileRef{Host: "master", Path: "/etc/ca.pem"}, ""},
		{"object without host", cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("/etc/ca.pem")}),
			x509step.FileRef{Path: "/etc/ca.pem"}, ""},
		{"map", cty.MapVal(map[string]cty.Value{"host": cty.StringVal("etcd"), "path": cty.StringVal("/x")}),
			x509step.FileRef{Host: "etcd", Path: "/x"}, ""},
		{"sensitive path", cty.StringVal("/etc/ca.pem").Mark("sensitive"), x509step.FileRef{Path: "/etc/ca.pem"}, ""},
		{"no path", cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("m")}), x509step.FileRef{}, "a: path is empty"},
		{"typo", cty.ObjectVal(map[string]cty.Value{"pth": cty.StringVal("/x")}), x509step.FileRef{},
			`a: unsupported attribute "pth" (want host and path)`},
		{"number", cty.NumberIntVal(3), x509step.FileRef{}, "a: want a path string or { host = ..., path = ... }, got number"},
		{"host not a string", cty.ObjectVal(map[string]cty.Value{"host": cty.True, "path": cty.StringVal("/x")}),
			x509step.FileRef{}, "a.host: want a string, got bool"},
		{"null", cty.NullVal(cty.String), x509step.FileRef{}, "a: a file is required (a path, or { host = ..., path = ... })"},
		{"absent", cty.NilVal, x509step.FileRef{}, "a: a file is required (a path, or { host = ..., path = ... })"},
		{"unknown", cty.UnknownVal(cty.String), x509step.FileRef{}, "a: value not known yet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := x509step.ParseFileRef(tc.in, "a")
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
	got, err := x509step.ParseFileRefs(mixed, "candidate_ca_files")
	if err != nil {
		t.Fatal(err)
	}
	want := []x509step.FileRef{{Path: "/a.pem"}, {Host: "etcd", Path: "/b.pem"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseFileRefs (-want +got):\n%s", diff)
	}
	if got := want[1].String(); got != "etcd:/b.pem" {
		t.Errorf("String() = %q, want etcd:/b.pem", got)
	}
	_, err = x509step.ParseFileRefs(cty.TupleVal([]cty.Value{cty.StringVal("")}), "candidate_ca_files")
	if diff := cmp.Diff("candidate_ca_files[0]: path is empty", errText(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = x509step.ParseFileRefs(cty.StringVal("/a.pem"), "candidate_ca_files")
	if diff := cmp.Diff("candidate_ca_files: want a list of paths or { host, path } objects, got string", errText(err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if refs, err := x509step.ParseFileRefs(cty.NilVal, "x"); refs != nil || err != nil {
		t.Errorf("absent list = %v, %v; want nil, nil", refs, err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
