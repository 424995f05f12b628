// Package yamlvalue decodes YAML into cty values with the expansion
// bounded. YAML aliases let a few hundred bytes expand into billions of
// values (the "billion laughs"); go-cty-yaml's decoding time grows with
// the expanded size (nine levels of nine aliases took two minutes), and
// anything that walks the result would too. The runbook function
// yamldecode and the kubeconfig reader of internal/certs both use it.
package yamlvalue

import (
	"fmt"

	yaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
)

// Decode parses src as one YAML document into a cty value, refusing a
// document that would expand to more than maxValues values before any
// value is built.
func Decode(src []byte, maxValues int) (cty.Value, error) {
	ty, err := yaml.ImpliedType(src)
	if err != nil {
		return cty.NilVal, err
	}
	if !Fits(ty, maxValues) {
		return cty.NilVal, TooBig(maxValues)
	}
	return yaml.Unmarshal(src, ty)
}

// TooBig is the error for a document over the bound.
func TooBig(maxValues int) error {
	return fmt.Errorf("the YAML document expands to more than %d values (through aliases?); mend refuses it", maxValues)
}

// Fits reports whether ty, an implied type (which go-cty-yaml computes
// without expanding aliases, one node per value of the result), has at
// most max nodes. Its cost is bounded by max however large the type
// would be if expanded.
func Fits(ty cty.Type, max int) bool {
	budget := max
	return fits(ty, &budget)
}

func fits(ty cty.Type, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	switch {
	case ty.IsTupleType():
		for _, et := range ty.TupleElementTypes() {
			if !fits(et, budget) {
				return false
			}
		}
	case ty.IsObjectType():
		for _, at := range ty.AttributeTypes() {
			if !fits(at, budget) {
				return false
			}
		}
	case ty.IsCollectionType():
		return fits(ty.ElementType(), budget)
	}
	return true
}
