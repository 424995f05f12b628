package engine

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// This file is the one place that reads step types' gohcl-tagged config
// structs by reflection: it turns them into the plain schemas the language
// checks runbooks against (runbooks.Schemas), and tells the decoder which
// arguments a step type keeps unevaluated.

var (
	exprType  = reflect.TypeOf((*hcl.Expression)(nil)).Elem()
	attrType  = reflect.TypeOf((*hcl.Attribute)(nil))
	bodyType  = reflect.TypeOf((*hcl.Body)(nil)).Elem()
	valueType = reflect.TypeOf(cty.Value{})
)

// schemaKey caches a config struct's schema; nested names the block of a
// steps.Nester.
type schemaKey struct {
	ty     reflect.Type
	nested string
}

type schemaEntry struct {
	schema *runbooks.BodySchema
	err    error
}

var schemaCache sync.Map // schemaKey -> schemaEntry

// registrySchemas tells the language about the step types of a registry.
type registrySchemas struct{ reg *steps.Registry }

var _ runbooks.Schemas = registrySchemas{}

func (r registrySchemas) Lookup(phase runbooks.Phase, name string) *runbooks.StepSchema {
	t := r.reg.Lookup(stepsPhase(phase), name)
	if t == nil {
		return nil
	}
	cfg, _ := configSchema(t) // a broken definition is reported by Validate
	return &runbooks.StepSchema{Output: t.Output(), Config: cfg}
}

func (r registrySchemas) Names(phase runbooks.Phase) []string {
	return r.reg.Names(stepsPhase(phase))
}

// stepsPhase converts the language's phase to the step types' one.
func stepsPhase(p runbooks.Phase) steps.Phase {
	if p == runbooks.Repair {
		return steps.Repair
	}
	return steps.Diagnose
}

// stepType is the registry's type of a step; nil when it has none (a
// runbook that did not pass Validate).
func stepType(reg *steps.Registry, st *runbooks.Step) steps.Type {
	return reg.Lookup(stepsPhase(st.Phase), st.Type)
}

// configSchema is the schema of a step type's config struct. An error
// means the step type's definition is broken (a bug in it, not in a
// runbook): its config is then checked for references only.
func configSchema(t steps.Type) (*runbooks.BodySchema, error) {
	ty := reflect.TypeOf(t.NewConfig())
	if ty == nil || ty.Kind() != reflect.Pointer || ty.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("its NewConfig does not return a pointer to a struct")
	}
	nested := ""
	if n, ok := t.(steps.Nester); ok {
		nested = n.NestedBlock()
	}
	key := schemaKey{ty.Elem(), nested}
	if e, ok := schemaCache.Load(key); ok {
		return e.(schemaEntry).schema, e.(schemaEntry).err
	}
	s := bodySchema(ty.Elem(), nested)
	var err error
	for _, name := range runbooks.MetaArgumentNames() {
		if s.Attribute(name) != nil {
			err = fmt.Errorf("its config declares %q, a meta-argument the language owns, so the step type never sees it", name)
			break
		}
	}
	schemaCache.Store(key, schemaEntry{s, err})
	return s, err
}

// bodySchema reads the gohcl tags of the struct type ty. nested names a
// block that holds another diagnose step (steps.Nester).
func bodySchema(ty reflect.Type, nested string) *runbooks.BodySchema {
	implied, partial := impliedSchema(ty)
	s := &runbooks.BodySchema{Remain: partial}
	fields := fieldsByName(ty)
	for _, a := range implied.Attributes {
		as := runbooks.AttributeSchema{Name: a.Name, Required: a.Required, Type: cty.DynamicPseudoType}
		switch fty := fields[a.Name].Type; {
		case fty == nil:
		case fty.AssignableTo(exprType) || fty == attrType:
			as.Deferred = true
		case fty == valueType:
		default:
			if want, err := gocty.ImpliedType(reflect.Zero(fty).Interface()); err == nil {
				as.Type = want
			}
		}
		s.Attributes = append(s.Attributes, as)
	}
	for _, b := range implied.Blocks {
		bs := runbooks.BlockSchema{Type: b.Type, Labels: b.LabelNames, NestedStep: b.Type == nested}
		fty := fields[b.Type].Type
		if fty.Kind() == reflect.Slice {
			bs.Repeated, fty = true, fty.Elem()
		}
		optional := fty.Kind() == reflect.Pointer
		if optional {
			fty = fty.Elem()
		}
		bs.Required = !bs.Repeated && !optional
		if !bs.NestedStep && fty.Kind() == reflect.Struct && fty != bodyType {
			bs.Body = bodySchema(fty, "")
		}
		s.Blocks = append(s.Blocks, bs)
	}
	return s
}

// fieldsByName maps the hcl tag names of a config struct (attributes and
// blocks) to their fields.
func fieldsByName(ty reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for i := 0; i < ty.NumField(); i++ {
		f := ty.Field(i)
		name, kind, _ := strings.Cut(f.Tag.Get("hcl"), ",")
		if st := remainStruct(f); st != nil {
			for k, v := range fieldsByName(st) {
				fields[k] = v
			}
			continue
		}
		switch kind {
		case "", "attr", "optional", "block":
			if name != "" {
				fields[name] = f
			}
		}
	}
	return fields
}

// deferred reports whether the step type keeps the argument name
// unevaluated (an hcl.Expression field, e.g. wait_until's until).
func deferred(t steps.Type, name string) bool {
	s, err := configSchema(t)
	if err != nil || s == nil {
		return false
	}
	a := s.Attribute(name)
	return a != nil && a.Deferred
}

// remainStruct is the struct type of a field tagged `hcl:",remain"` that
// holds arguments shared by several step types (etcdconn.Args, embedded
// in each etcd step's config), or nil. gohcl decodes the leftover
// arguments into such a struct; its arguments belong to the step's
// schema like the config's own.
func remainStruct(f reflect.StructField) reflect.Type {
	if _, kind, _ := strings.Cut(f.Tag.Get("hcl"), ","); kind != "remain" {
		return nil
	}
	t := f.Type
	if t.Kind() != reflect.Struct || t == valueType {
		return nil
	}
	return t
}

// impliedSchema is gohcl's schema of the config struct ty, with the
// arguments of a remain struct (see remainStruct) added: such a config
// names all its arguments, so partial is false.
func impliedSchema(ty reflect.Type) (*hcl.BodySchema, bool) {
	implied, partial := gohcl.ImpliedBodySchema(reflect.New(ty).Interface())
	for i := 0; i < ty.NumField(); i++ {
		st := remainStruct(ty.Field(i))
		if st == nil {
			continue
		}
		inner, innerPartial := impliedSchema(st)
		implied.Attributes = append(implied.Attributes, inner.Attributes...)
		implied.Blocks = append(implied.Blocks, inner.Blocks...)
		partial = innerPartial
	}
	return implied, partial
}
