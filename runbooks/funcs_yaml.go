package runbooks

import (
	"github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/mend-sh/mend/internal/yamlvalue"
)

// maxYAMLValues bounds the values one yamldecode may produce. YAML aliases
// let a few hundred bytes from a host expand into billions of values (the
// "billion laughs"); go-cty-yaml's decoding time grows with the expanded
// size (nine levels of nine aliases took two minutes), and anything that
// walks the result (a plan, the audit log) would too.
const maxYAMLValues = 100_000

// yamlDecodeFunc is Terraform's yamldecode (go-cty-yaml's, which Terraform
// uses) with the expansion bounded: the implied type, which go-cty-yaml
// computes without expanding aliases, has one node per value of the
// result, so counting its nodes (and stopping at the bound) measures the
// expansion before any value is built.
var yamlDecodeFunc = function.New(&function.Spec{
	Description: "Parses a string as a YAML document and returns its value.",
	Params:      []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty, err := yaml.YAMLDecodeFunc.ReturnTypeForValues(args)
		if err != nil {
			return ty, err
		}
		if !yamlvalue.Fits(ty, maxYAMLValues) {
			return cty.NilType, yamlvalue.TooBig(maxYAMLValues)
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yaml.YAMLDecodeFunc.Call(args)
	},
})
