package steps

import "github.com/zclconf/go-cty/cty"

// SensitiveMark is the cty mark for secret values: variables declared
// sensitive carry it, and a step type puts it on output values that hold
// secrets (a private key read by file_read). The engine redacts marked
// values from every plan, view and audit record, wherever they end up.
const SensitiveMark = "sensitive"

// Sensitive marks v as secret.
func Sensitive(v cty.Value) cty.Value { return v.Mark(SensitiveMark) }
