package runbooks

import (
	"time"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions runbook expressions may call, for
// checking a runbook before any run: timestamp() is unknown (a string known
// only when a run starts). The validator and the engine use the same set,
// so a runbook that validates cannot fail at run time on an unknown
// function. file() and filebase64() read paths relative to dir, the
// runbook's directory (Runbook.Dir). Each call returns a fresh map;
// callers may add to it.
func Functions(dir string) map[string]function.Function {
	fns := baseFunctions(dir)
	fns["timestamp"] = timestampFunc(time.Time{})
	return fns
}

// FunctionsAt is Functions for a run that started at start: timestamp()
// returns start (UTC, RFC 3339) on every call, so every expression of one
// plan or apply sees the same instant and a plan is deterministic within
// its run. The engine calls it once per run.
func FunctionsAt(dir string, start time.Time) map[string]function.Function {
	fns := baseFunctions(dir)
	fns["timestamp"] = timestampFunc(start)
	return fns
}

// baseFunctions is every function but timestamp: go-cty's stdlib under
// Terraform's names where Terraform uses it, Terraform-compatible
// implementations of mend's own where Terraform's are not importable
// (alltrue, anytrue, one, sum, replace, timecmp, cidrhost, the digests),
// go-cty-yaml's yamldecode/yamlencode (Terraform's), and mend's additions
// (see README "Functions").
func baseFunctions(dir string) map[string]function.Function {
	return map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"alltrue":         allTrueFunc,
		"anytrue":         anyTrueFunc,
		"base64decode":    base64DecodeFunc,
		"base64encode":    base64EncodeFunc,
		"base64sha256":    base64SHA256Func,
		"can":             tryfunc.CanFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"cidrcontains":    cidrContainsFunc,
		"cidrhost":        cidrHostFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"file":            fileFunc(dir),
		"filebase64":      fileBase64Func(dir),
		"endswith":        endsWithFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          stdlib.FormatFunc,
		"formatdate":      stdlib.FormatDateFunc,
		"formatlist":      stdlib.FormatListFunc,
		"hexcolons":       hexColonsFunc,
		"hexdigest":       hexDigestFunc,
		"indent":          stdlib.IndentFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"lookup":          stdlib.LookupFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"md5":             md5Func,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"one":             oneFunc,
		"parseduration":   parseDurationFunc,
		"range":           stdlib.RangeFunc,
		"rawshell":        rawShellFunc,
		"regex":           stdlib.RegexFunc,
		"regex_replace":   stdlib.RegexReplaceFunc,
		"regexall":        stdlib.RegexAllFunc,
		"replace":         replaceFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"sha1":            sha1Func,
		"shellquote":      shellQuoteFunc,
		"sha256":          sha256Func,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"startswith":      startsWithFunc,
		"strcontains":     strContainsFunc,
		"strlen":          stdlib.StrlenFunc,
		"substr":          stdlib.SubstrFunc,
		"sum":             sumFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"timecmp":         timeCmpFunc,
		"timediff":        timeDiffFunc,
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":        stdlib.MakeToFunc(cty.String),
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"try":             tryfunc.TryFunc,
		"upper":           stdlib.UpperFunc,
		"values":          stdlib.ValuesFunc,
		"yamldecode":      yamlDecodeFunc,
		"yamlencode":      yaml.YAMLEncodeFunc,
		"zipmap":          stdlib.ZipmapFunc,
	}
}
