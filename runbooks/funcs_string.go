package runbooks

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// stringFunc makes a function of one string returning a string.
func stringFunc(desc string, impl func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "str", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := impl(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(out), nil
		},
	})
}

// stringPredicate makes a function of two strings returning a bool.
func stringPredicate(desc string, pred func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(pred(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var base64EncodeFunc = stringFunc("Encodes a string as standard base64.",
	func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil })

var base64DecodeFunc = stringFunc("Decodes standard base64 into a UTF-8 string.",
	func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("invalid base64: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("the decoded bytes are not valid UTF-8")
		}
		return string(b), nil
	})

var startsWithFunc = stringPredicate("Reports whether str begins with substr.", strings.HasPrefix)

var endsWithFunc = stringPredicate("Reports whether str ends with substr.", strings.HasSuffix)

var strContainsFunc = stringPredicate("Reports whether substr is within str.", strings.Contains)

// shellQuoteFunc quotes a value as one POSIX sh word with mend's only
// quoting rule (internal/shell.Quote), for values a runbook puts into a
// command line: command = "systemctl status ${shellquote(var.unit)}".
var shellQuoteFunc = stringFunc("Returns str as one POSIX sh word (single-quoted unless it is plain).",
	func(s string) (string, error) {
		if strings.ContainsRune(s, 0) {
			return "", fmt.Errorf("the string contains a NUL byte, which no shell word can hold")
		}
		return shell.Quote(s), nil
	})

// rawShellFunc returns its argument unchanged. It says, where a value
// is put into a command line, that the value is meant to be shell code
// (a list of flags, a pipeline kept in a variable): validate then does not
// warn that it is unquoted (engine's checkShellCode).
var rawShellFunc = stringFunc("Returns str unchanged: marks a value put into a shell command line as meant to be shell code.",
	func(s string) (string, error) { return s, nil })

// replaceFunc is Terraform's replace: a search string wrapped in slashes
// ("/v[0-9]+/") is a regular expression (RE2, with $1 in the replacement),
// any other is replaced literally, every occurrence.
var replaceFunc = function.New(&function.Spec{
	Description: "Replaces every occurrence of substr in str; a substr wrapped in slashes is a regular expression.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, sub, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid regular expression %s: %s (a search string wrapped in slashes is a regular expression)", sub, err)
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, sub, repl)), nil
	},
})

// lengthFunc is Terraform's length: stdlib's, extended to strings
// (characters, as strlen counts them) and objects (attributes).
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a collection, or of characters of a string.",
	Params: []function.Parameter{{
		Name:             "value",
		Type:             cty.DynamicPseudoType,
		AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty == cty.DynamicPseudoType || ty.IsTupleType() || ty.IsObjectType() || ty.IsCollectionType() {
			return cty.Number, nil
		}
		return cty.NilType, fmt.Errorf("value must be a string, a list, a set, a map, a tuple or an object")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch ty := args[0].Type(); {
		case ty == cty.String:
			return stdlib.Strlen(args[0])
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))), nil
		}
		return stdlib.Length(args[0])
	},
})
