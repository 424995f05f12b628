package runbooks

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/internal/localfile"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// funcCase is one call: expr is evaluated with the functions of a run that
// started at testStart; want is an expression for the expected value
// (converted to the result's type before comparing, so `{a = 1}` stands
// for a map as well as an object), or wantErr a piece of the error.
type funcCase struct {
	expr, want, wantErr string
}

var testStart = time.Date(2026, 12, 5, 9, 30, 0, 0, time.FixedZone("CET", 3600))

// funcCases holds, per function, Terraform's documented examples where
// Terraform has the function (https://developer.hashicorp.com/terraform/
// language/functions/NAME), then mend's own cases. TestFunctionTable
// fails when a function has no case.
var funcCases = map[string][]funcCase{
	"abs":          {{expr: `abs(-12.4)`, want: `12.4`}, {expr: `abs(0)`, want: `0`}},
	"alltrue":      {{expr: `alltrue(["true", true])`, want: `true`}, {expr: `alltrue([true, false])`, want: `false`}, {expr: `alltrue([])`, want: `true`}, {expr: `alltrue([null])`, want: `false`}},
	"anytrue":      {{expr: `anytrue(["true"])`, want: `true`}, {expr: `anytrue([true])`, want: `true`}, {expr: `anytrue([true, false])`, want: `true`}, {expr: `anytrue([])`, want: `false`}},
	"base64decode": {{expr: `base64decode("SGVsbG8gV29ybGQ=")`, want: `"Hello World"`}, {expr: `base64decode("!!")`, wantErr: "invalid base64"}, {expr: `base64decode("/w==")`, wantErr: "not valid UTF-8"}},
	"base64encode": {{expr: `base64encode("Hello World")`, want: `"SGVsbG8gV29ybGQ="`}},
	"base64sha256": {{expr: `base64sha256("hello world")`, want: `"uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="`}},
	"can":          {{expr: `can(tonumber("x"))`, want: `false`}, {expr: `can(regex("^[a-z]+$", "abc"))`, want: `true`}},
	"ceil":         {{expr: `ceil(5)`, want: `5`}, {expr: `ceil(5.1)`, want: `6`}},
	"floor":        {{expr: `floor(5)`, want: `5`}, {expr: `floor(4.9)`, want: `4`}},
	"chomp":        {{expr: `chomp("hello\n")`, want: `"hello"`}, {expr: `chomp("hello\r\n")`, want: `"hello"`}, {expr: `chomp("hello\n\n")`, want: `"hello"`}},
	"cidrcontains": {
		// OpenTofu's documented examples (Terraform has no cidrcontains).
		{expr: `cidrcontains("192.168.2.0/24", "192.168.2.1")`, want: `true`},
		{expr: `cidrcontains("192.168.2.0/24", "192.126.2.1")`, want: `false`},
		{expr: `cidrcontains("fd00:fd12:3456:7890::/56", "fd00:fd12:3456:7890:00a2::/72")`, want: `true`},
		{expr: `cidrcontains("fd00:fd12:3456:7890::/56", "fd00:fd12:3456:7900::/72")`, want: `false`},
		{expr: `cidrcontains("10.0.0.0/24", "10.0.0.0/16")`, want: `false`},
		{expr: `cidrcontains("10.0.0.0/8", "fd00::1")`, wantErr: "address family mismatch"},
		{expr: `cidrcontains("10.0.0.0", "10.0.0.1")`, wantErr: "invalid CIDR expression"},
	},
	"cidrhost": {
		{expr: `cidrhost("10.12.112.0/20", 16)`, want: `"10.12.112.16"`},
		{expr: `cidrhost("10.12.112.0/20", 268)`, want: `"10.12.113.12"`},
		{expr: `cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)`, want: `"fd00:fd12:3456:7890::22"`},
		{expr: `cidrhost("10.12.112.0/20", -1)`, want: `"10.12.127.255"`},
		{expr: `cidrhost("10.12.112.5/20", 0)`, want: `"10.12.112.0"`},
		{expr: `cidrhost("10.12.112.0/20", 4096)`, wantErr: "prefix of 20 does not accommodate a host numbered 4096"},
		{expr: `cidrhost("10.12.112.0/20", 1.5)`, wantErr: "whole number"},
	},
	"file": {
		{expr: `file("hello.txt")`, want: `"hello\n"`},
		{expr: `file("missing.txt")`, wantErr: "no such file or directory"},
		{expr: `file("bin.dat")`, wantErr: "not UTF-8 text; use filebase64"},
		{expr: `file(".")`, wantErr: "is a directory, not a regular file"},
		{expr: `file("")`, wantErr: "the path is empty"},
	},
	"filebase64": {
		{expr: `filebase64("bin.dat")`, want: `"/wAB"`},
		{expr: `filebase64("hello.txt")`, want: `"aGVsbG8K"`},
		{expr: `filebase64("missing.txt")`, wantErr: "relative to the runbook's directory"},
	},
	"coalesce":  {{expr: `coalesce("a", "b")`, want: `"a"`}, {expr: `coalesce(null, "x")`, want: `"x"`}, {expr: `coalesce(1, 2)`, want: `1`}},
	"compact":   {{expr: `compact(["a", "", "b", null, "c"])`, want: `["a", "b", "c"]`}},
	"concat":    {{expr: `concat(["a", ""], ["b", "c"])`, want: `["a", "", "b", "c"]`}},
	"contains":  {{expr: `contains(["a", "b", "c"], "a")`, want: `true`}, {expr: `contains(["a", "b", "c"], "d")`, want: `false`}},
	"csvdecode": {{expr: `csvdecode("a,b,c\n1,2,3\n4,5,6")`, want: `[{a = "1", b = "2", c = "3"}, {a = "4", b = "5", c = "6"}]`}, {expr: `csvdecode("a,b\n1")`, wantErr: "wrong number of fields"}},
	"distinct":  {{expr: `distinct(["a", "b", "a", "c", "d", "b"])`, want: `["a", "b", "c", "d"]`}},
	"element":   {{expr: `element(["a", "b", "c"], 1)`, want: `"b"`}, {expr: `element(["a", "b", "c"], 3)`, want: `"a"`}},
	"endswith":  {{expr: `endswith("hello world", "world")`, want: `true`}, {expr: `endswith("hello world", "hello")`, want: `false`}},
	"flatten":   {{expr: `flatten([["a", "b"], [], ["c"]])`, want: `["a", "b", "c"]`}, {expr: `flatten([[["a", "b"], []], ["c"]])`, want: `["a", "b", "c"]`}},
	"format":    {{expr: `format("Hello, %s!", "Ander")`, want: `"Hello, Ander!"`}, {expr: `format("There are %d lights", 4)`, want: `"There are 4 lights"`}},
	"formatdate": {
		{expr: `formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")`, want: `"02 Jan 2018 23:12 UTC"`},
		{expr: `formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")`, want: `"Tuesday, 02-Jan-18 23:12:01 UTC"`},
		{expr: `formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")`, want: `"Tue, 02 Jan 2018 23:12:01 -0800"`},
		{expr: `formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")`, want: `"Jan 02, 2018"`},
		{expr: `formatdate("HH:mmaa", "2018-01-02T23:12:01Z")`, want: `"11:12pm"`},
	},
	"formatlist": {{expr: `formatlist("Hello, %s!", ["Valentina", "Ander"])`, want: `["Hello, Valentina!", "Hello, Ander!"]`}},
	"hexcolons": {
		{expr: `hexcolons("ba7816bf")`, want: `"BA:78:16:BF"`},
		{expr: `hexcolons("BA:78:16:BF")`, want: `"BA:78:16:BF"`},
		{expr: `hexcolons(sha256("abc")) == hexcolons(hexdigest(hexcolons(sha256("abc"))))`, want: `true`},
		{expr: `hexcolons("xyz")`, wantErr: "is not a hex digest"},
	},
	"hexdigest": {
		{expr: `hexdigest("BA:78:16:BF")`, want: `"ba7816bf"`},
		{expr: `hexdigest("ba7816bf")`, want: `"ba7816bf"`},
		{expr: `hexdigest("BA:781:6BF")`, wantErr: "colons must separate pairs"},
		{expr: `hexdigest("")`, wantErr: "is not a hex digest"},
	},
	"indent":     {{expr: `"items: ${indent(2, "[\n  foo,\n  bar,\n]\n")}"`, want: `"items: [\n    foo,\n    bar,\n  ]\n  "`}},
	"join":       {{expr: `join("-", ["foo", "bar", "baz"])`, want: `"foo-bar-baz"`}, {expr: `join(", ", ["foo"])`, want: `"foo"`}},
	"jsondecode": {{expr: `jsondecode("{\"hello\": \"world\"}")`, want: `{hello = "world"}`}, {expr: `jsondecode("true")`, want: `true`}, {expr: `jsondecode("{")`, wantErr: "EOF"}},
	"jsonencode": {{expr: `jsonencode({"hello"="world"})`, want: `"{\"hello\":\"world\"}"`}},
	"keys":       {{expr: `keys({a=1, c=2, d=3})`, want: `["a", "c", "d"]`}},
	"length":     {{expr: `length([])`, want: `0`}, {expr: `length(["a", "b"])`, want: `2`}, {expr: `length({"a" = "b"})`, want: `1`}, {expr: `length("hello")`, want: `5`}, {expr: `length("héllo")`, want: `5`}, {expr: `length(1)`, wantErr: "must be a string"}},
	"lookup":     {{expr: `lookup({a="ay", b="bee"}, "a", "what?")`, want: `"ay"`}, {expr: `lookup({a="ay", b="bee"}, "c", "what?")`, want: `"what?"`}},
	"lower":      {{expr: `lower("HELLO")`, want: `"hello"`}, {expr: `lower("АЛЛО!")`, want: `"алло!"`}},
	"max":        {{expr: `max(12, 54, 3)`, want: `54`}, {expr: `max([12, 54, 3]...)`, want: `54`}},
	"md5":        {{expr: `md5("hello world")`, want: `"5eb63bbbe01eeed093cb22bb8f5acdc3"`}},
	"merge":      {{expr: `merge({a="b", c="d"}, {e="f", c="z"})`, want: `{a = "b", c = "z", e = "f"}`}},
	"min":        {{expr: `min(12, 54, 3)`, want: `3`}, {expr: `min([12, 54, 3]...)`, want: `3`}},
	"one": {
		{expr: `one([])`, want: `null`},
		{expr: `one(["hello"])`, want: `"hello"`},
		{expr: `one(["hello", "goodbye"])`, wantErr: "must be a list, set, or tuple value with either zero or one elements"},
		{expr: `one(toset([]))`, want: `null`},
		{expr: `one(toset(["hello"]))`, want: `"hello"`},
		{expr: `one(toset(["hello","goodbye"]))`, wantErr: "either zero or one elements"},
	},
	"parseduration": {
		{expr: `parseduration("1h30m")`, want: `5400`},
		{expr: `parseduration("1.5s")`, want: `1.5`},
		{expr: `parseduration("-720h")`, want: `-2592000`},
		{expr: `parseduration("30d")`, wantErr: "is not a duration"},
	},
	"range": {
		{expr: `range(3)`, want: `[0, 1, 2]`},
		{expr: `range(1, 4)`, want: `[1, 2, 3]`},
		{expr: `range(1, 8, 2)`, want: `[1, 3, 5, 7]`},
		{expr: `range(1, 4, 0.5)`, want: `[1, 1.5, 2, 2.5, 3, 3.5]`},
		{expr: `range(4, 1)`, want: `[4, 3, 2]`},
		{expr: `range(10, 5, -2)`, want: `[10, 8, 6]`},
	},
	"regex":         {{expr: `regex("[a-z]+", "53453453.345345aaabbbccc23454")`, want: `"aaabbbccc"`}, {expr: `regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")`, want: `["2019", "02", "01"]`}, {expr: `regex("[a-z]+", "123")`, wantErr: "did not match"}},
	"regex_replace": {{expr: `regex_replace("hello world", "w.*d", "everybody")`, want: `"hello everybody"`}, {expr: `regex_replace("etcd v3.5.9", "v([0-9]+)\\.([0-9]+)\\..*", "$1.$2")`, want: `"etcd 3.5"`}},
	"regexall":      {{expr: `regexall("[a-z]+", "1234abcd5678efgh9")`, want: `["abcd", "efgh"]`}, {expr: `length(regexall("[a-z]+", "1234abcd5678efgh9"))`, want: `2`}},
	"replace": {
		{expr: `replace("1 + 2 + 3", "+", "-")`, want: `"1 - 2 - 3"`},
		{expr: `replace("hello world", "/w.*d/", "everybody")`, want: `"hello everybody"`},
		{expr: `replace("listen-client-urls: http://10.0.0.1:2379", "/http://([0-9.]+)/", "https://$1")`, want: `"listen-client-urls: https://10.0.0.1:2379"`},
		{expr: `replace("a/b", "/", "_")`, want: `"a_b"`},
		{expr: `replace("x", "/(/", "y")`, wantErr: "invalid regular expression /(/"},
	},
	"setintersection": {{expr: `setintersection(["a", "b"], ["b", "c"], ["b", "d"])`, want: `toset(["b"])`}},
	"setsubtract":     {{expr: `setsubtract(["a", "b", "c"], ["a", "c"])`, want: `toset(["b"])`}},
	"setunion":        {{expr: `setunion(["a", "b"], ["b", "c"], ["d"])`, want: `toset(["d", "b", "c", "a"])`}},
	"rawshell": {
		{expr: `rawshell("--now --quiet")`, want: `"--now --quiet"`},
		{expr: `rawshell("a | b; $(c)")`, want: `"a | b; $(c)"`},
		{expr: `rawshell(8080)`, want: `"8080"`},
	},
	"shellquote": {
		{expr: `shellquote("nginx")`, want: `"nginx"`},
		{expr: `shellquote("/srv/my certs")`, want: `"'/srv/my certs'"`},
		{expr: `shellquote("it's $(reboot)")`, want: `"'it'\\''s $(reboot)'"`},
		{expr: `shellquote("")`, want: `"''"`},
		{expr: `shellquote("a\u0000b")`, wantErr: "NUL byte"},
	},
	"sha1":        {{expr: `sha1("hello world")`, want: `"2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"`}},
	"sha256":      {{expr: `sha256("hello world")`, want: `"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"`}},
	"slice":       {{expr: `slice(["a", "b", "c", "d"], 1, 3)`, want: `["b", "c"]`}},
	"sort":        {{expr: `sort(["e", "d", "a", "x"])`, want: `["a", "d", "e", "x"]`}},
	"split":       {{expr: `split(",", "foo,bar,baz")`, want: `["foo", "bar", "baz"]`}, {expr: `split(",", "foo")`, want: `["foo"]`}, {expr: `split(",", "")`, want: `[""]`}},
	"startswith":  {{expr: `startswith("hello world", "hello")`, want: `true`}, {expr: `startswith("hello world", "world")`, want: `false`}},
	"strcontains": {{expr: `strcontains("hello world", "wor")`, want: `true`}, {expr: `strcontains("hello world", "wod")`, want: `false`}},
	"strlen":      {{expr: `strlen("héllo")`, want: `5`}},
	"substr":      {{expr: `substr("hello world", 1, 4)`, want: `"ello"`}, {expr: `substr("🤔🤷", 0, 1)`, want: `"🤔"`}, {expr: `substr("hello world", -5, -1)`, want: `"world"`}, {expr: `substr("hello world", 6, 10)`, want: `"world"`}},
	"sum": {
		{expr: `sum([10, 13, 6, 2])`, want: `31`},
		{expr: `sum([10.5, 0.25])`, want: `10.75`},
		{expr: `sum(toset([1, 2]))`, want: `3`},
		{expr: `sum([])`, wantErr: "cannot sum an empty list"},
		{expr: `sum([1, null])`, wantErr: "of number values"},
		{expr: `sum("12")`, wantErr: "argument must be list, set, or tuple"},
	},
	"timeadd": {
		{expr: `timeadd("2017-11-22T00:00:00Z", "10m")`, want: `"2017-11-22T00:10:00Z"`},
		{expr: `timeadd("2017-11-22T00:00:00Z", "-720h")`, want: `"2017-10-23T00:00:00Z"`},
	},
	"timecmp": {
		{expr: `timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")`, want: `0`},
		{expr: `timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")`, want: `-1`},
		{expr: `timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")`, want: `1`},
		{expr: `timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00")`, want: `0`},
		{expr: `timecmp("2017-11-22", "2017-11-22T00:00:00Z")`, wantErr: "ends before the time introducer 'T'"},
		{expr: `timecmp("2017-13-22T00:00:00Z", "2017-11-22T00:00:00Z")`, wantErr: "not a valid RFC 3339 timestamp"},
	},
	"timediff": {
		{expr: `timediff("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")`, want: `3600`},
		{expr: `timediff("2017-11-22T00:00:00Z", "2017-11-22T00:00:00-01:00")`, want: `-3600`},
		{expr: `timediff(timestamp(), "2026-11-05T08:30:00Z") > parseduration("720h")`, want: `false`},
		{expr: `timediff(timestamp(), "2026-11-05T08:29:59Z") > parseduration("720h")`, want: `true`},
	},
	"timestamp": {
		{expr: `timestamp()`, want: `"2026-12-05T08:30:00Z"`},
		{expr: `timestamp() == timestamp()`, want: `true`},
	},
	"tobool":     {{expr: `tobool("true")`, want: `true`}, {expr: `tobool("no")`, wantErr: "cannot convert"}},
	"tolist":     {{expr: `tolist(["a", "b", "c"])`, want: `tolist(["a", "b", "c"])`}},
	"tomap":      {{expr: `tomap({"a" = 1, "b" = 2})`, want: `tomap({a = 1, b = 2})`}},
	"tonumber":   {{expr: `tonumber("1")`, want: `1`}, {expr: `tonumber("no")`, wantErr: "cannot convert"}},
	"toset":      {{expr: `toset(["a", "b", "c", "b"])`, want: `toset(["a", "b", "c"])`}},
	"tostring":   {{expr: `tostring("hello")`, want: `"hello"`}, {expr: `tostring(1)`, want: `"1"`}, {expr: `tostring(true)`, want: `"true"`}},
	"trim":       {{expr: `trim("?!hello?!", "!?")`, want: `"hello"`}, {expr: `trim("foobar", "far")`, want: `"oob"`}},
	"trimprefix": {{expr: `trimprefix("helloworld", "hello")`, want: `"world"`}, {expr: `trimprefix("helloworld", "cat")`, want: `"helloworld"`}},
	"trimspace":  {{expr: `trimspace("  hello\n\n")`, want: `"hello"`}},
	"trimsuffix": {{expr: `trimsuffix("helloworld", "world")`, want: `"hello"`}},
	"try":        {{expr: `try(jsondecode("{"), "fallback")`, want: `"fallback"`}, {expr: `try(tonumber("12"), 0)`, want: `12`}},
	"upper":      {{expr: `upper("hello")`, want: `"HELLO"`}, {expr: `upper("алло!")`, want: `"АЛЛО!"`}},
	"values":     {{expr: `values({a=3, c=2, d=1})`, want: `[3, 2, 1]`}},
	"yamldecode": {
		{expr: `yamldecode("hello: world")`, want: `{hello = "world"}`},
		{expr: `yamldecode("true")`, want: `true`},
		{expr: `yamldecode("{a: &foo [1, 2, 3], b: *foo}")`, want: `{a = [1, 2, 3], b = [1, 2, 3]}`},
		{expr: `yamldecode("{a: &foo [1, *foo, 3]}")`, wantErr: "cannot refer to anchor \"foo\" from inside its own definition"},
		{expr: `yamldecode("{a: !not-supported foo}")`, wantErr: "unsupported tag \"!not-supported\""},
		{expr: `yamldecode(yamlBomb)`, wantErr: "expands to more than 100000 values"},
	},
	"yamlencode": {
		{expr: `yamlencode({"a":"b", "c":"d"})`, want: `"\"a\": \"b\"\n\"c\": \"d\"\n"`},
		{expr: `yamlencode({"foo":[1, 2, 3], "bar": "baz"})`, want: `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"`},
		{expr: `yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"})`, want: `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"`},
	},
	"zipmap": {{expr: `zipmap(["a", "b"], [1, 2])`, want: `tomap({a = 1, b = 2})`}},
}

// yamlBomb is nine levels of nine aliases: 9^9 strings once expanded.
var yamlBomb = func() string {
	var b strings.Builder
	b.WriteString(`l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < 9; i++ {
		p := "*l" + string(rune('0'+i-1))
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [" + strings.Repeat(p+",", 8) + p + "]\n")
	}
	return b.String()
}()

func TestFunctionTable(t *testing.T) {
	fns := FunctionsAt("testdata/files", testStart)
	names := make([]string, 0, len(fns))
	for name := range fns {
		names = append(names, name)
	}
	sort.Strings(names)
	ctx := &hcl.EvalContext{Functions: fns, Variables: map[string]cty.Value{"yamlBomb": cty.StringVal(yamlBomb)}}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cases := funcCases[name]
			if len(cases) == 0 {
				t.Fatalf("no test case for %s(): add Terraform's documented examples to funcCases", name)
			}
			for _, c := range cases {
				checkFuncCase(t, ctx, c)
			}
		})
	}
	for name := range funcCases {
		if _, ok := fns[name]; !ok {
			t.Errorf("funcCases has %q, which is not a function", name)
		}
	}
}

func checkFuncCase(t *testing.T, ctx *hcl.EvalContext, c funcCase) {
	t.Helper()
	got, diags := eval(t, ctx, c.expr)
	if c.wantErr != "" {
		if !diags.HasErrors() || !strings.Contains(diags.Error(), c.wantErr) {
			t.Errorf("%s: got %#v, %v; want an error containing %q", c.expr, got, diags, c.wantErr)
		}
		return
	}
	if diags.HasErrors() {
		t.Errorf("%s: %s", c.expr, diags.Error())
		return
	}
	want, wdiags := eval(t, ctx, c.want)
	if wdiags.HasErrors() {
		t.Fatalf("want %s: %s", c.want, wdiags.Error())
	}
	if !want.IsNull() {
		conv, err := convert.Convert(want, got.Type())
		if err != nil {
			t.Errorf("%s: got %#v, want %s (%v)", c.expr, got, c.want, err)
			return
		}
		want = conv
	}
	if !got.RawEquals(want) && !(got.IsNull() && want.IsNull()) {
		t.Errorf("%s:\n got  %#v\n want %#v", c.expr, got, want)
	}
}

func eval(t *testing.T, ctx *hcl.EvalContext, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "t", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", src, diags.Error())
	}
	return expr.Value(ctx)
}

func TestFunctionsKeepSensitiveMarks(t *testing.T) {
	ctx := &hcl.EvalContext{
		Functions: FunctionsAt("testdata/files", testStart),
		Variables: map[string]cty.Value{"secret": cty.StringVal("pw").Mark(SensitiveMark)},
	}
	for _, src := range []string{`upper(secret)`, `sha256(secret)`, `base64sha256(secret)`, `replace(secret, "/p/", "q")`, `yamldecode(secret)`, `one([secret])`} {
		v, diags := eval(t, ctx, src)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags.Error())
		}
		if !v.HasMark(SensitiveMark) {
			t.Errorf("%s = %#v lost the sensitive mark", src, v)
		}
	}
}

func TestTimestampUnknownWithoutARun(t *testing.T) {
	v, diags := eval(t, &hcl.EvalContext{Functions: Functions("")}, `timecmp(timestamp(), "2026-01-01T00:00:00Z")`)
	if diags.HasErrors() || v.IsKnown() {
		t.Errorf("got %#v, %v; want an unknown number (no run has started)", v, diags)
	}
}

// TestFileRefusesSpecialAndHugeFiles: a FIFO is refused at once (not read,
// which would block), a file over localfile.Max is refused before it is
// read, and an absolute path is used as it is.
func TestFileRefusesSpecialAndHugeFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, localfile.Max+1); err != nil {
		t.Fatal(err)
	}
	ctx := &hcl.EvalContext{Functions: Functions("/nonexistent")}
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkFuncCase(t, ctx, funcCase{expr: `file("` + fifo + `")`, wantErr: "is a FIFO, not a regular file"})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("file() of a FIFO blocked")
	}
	checkFuncCase(t, ctx, funcCase{expr: `filebase64("` + big + `")`, wantErr: "a local file may have at most 16777216 bytes"})
}

// TestFileSeesChanges: file() reuses what it read only while the file is
// unchanged; a rewritten file is read again.
func TestFileSeesChanges(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	ctx := &hcl.EvalContext{Functions: Functions(dir)}
	for _, content := range []string{"one\n", "three\n", "four\n"} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		// Same size, other content: the modification time differs.
		if err := os.Chtimes(p, time.Now(), time.Now().Add(time.Duration(len(content))*time.Second)); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			checkFuncCase(t, ctx, funcCase{expr: `file("f")`, want: strconv.Quote(content)})
		}
	}
}
