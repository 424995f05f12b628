package engine

import (
	"reflect"
	"testing"
)

type sharedArgs struct {
	Endpoints []string `hcl:"endpoints"`
	Timeout   string   `hcl:"dial_timeout,optional"`
}

type withShared struct {
	sharedArgs `hcl:",remain"`
	Action     string `hcl:"action"`
}

// TestSchemaRemainStruct: arguments shared by several step types live in
// a struct embedded with `hcl:",remain"` (etcdconn.Args); they belong to
// the step's schema (checked, typed, required or optional) and the body
// is not "partial", so a typo is still an unknown argument.
func TestSchemaRemainStruct(t *testing.T) {
	s := bodySchema(reflect.TypeOf(withShared{}), "")
	if s.Remain {
		t.Error("a config whose remain field is a struct of arguments is not partial")
	}
	got := map[string]bool{}
	for _, a := range s.Attributes {
		got[a.Name] = a.Required
	}
	if want := map[string]bool{"endpoints": true, "dial_timeout": false, "action": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("attributes (name: required) %v, want %v", got, want)
	}
	if _, ok := fieldsByName(reflect.TypeOf(withShared{}))["endpoints"]; !ok {
		t.Error("fieldsByName misses the embedded struct's fields")
	}
}
