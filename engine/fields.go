package engine

import (
	"reflect"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

var expressionType = reflect.TypeOf((*hcl.Expression)(nil)).Elem()

// isExpressionField reports whether the config struct keeps the attribute
// name as an unevaluated hcl.Expression.
func isExpressionField(cfg any, name string) bool {
	t := reflect.TypeOf(cfg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("hcl"), ",")
		if tag == name {
			return f.Type == expressionType
		}
	}
	return false
}
