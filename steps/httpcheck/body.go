package httpcheck

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// MaxHeaders bounds how many headers the headers output holds.
const MaxHeaders = 100

// hiddenHeaders are response headers whose values are credentials.
var hiddenHeaders = map[string]bool{"set-cookie": true}

// headerMap is h as lower-case name -> values joined by ", ", bounded.
func headerMap(h http.Header) map[string]string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := map[string]string{}
	for _, k := range names[:min(len(names), MaxHeaders)] {
		name := strings.ToLower(k)
		v := hostscript.Text([]byte(strings.Join(h[k], ", ")), 1024)
		if hiddenHeaders[name] {
			v = "(hidden)"
		}
		out[name] = v
	}
	return out
}

// readJSON parses the body into res.json, or sets the body_not_json
// verdict with the reason.
func (res *result) readJSON(body []byte, length int64) {
	if len(body) >= MaxBody && length != int64(len(body)) {
		res.verdict, res.err = VerdictBodyNotJSON, fmt.Sprintf("the body is longer than the %d bytes read", MaxBody)
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		res.verdict, res.err = VerdictBodyNotJSON, "the body is empty"
		return
	}
	ty, err := ctyjson.ImpliedType(body)
	if err == nil {
		res.json, err = ctyjson.Unmarshal(body, ty)
	}
	if err != nil {
		res.json = cty.NullVal(cty.DynamicPseudoType)
		res.verdict, res.err = VerdictBodyNotJSON, hostscript.Text([]byte(err.Error()), 200)
	}
}

// details are the body's first lines when show_output is set (hidden
// when the body holds a secret).
func (r request) details(res result) []string {
	if !r.show || res.status == 0 {
		return nil
	}
	if res.secret {
		return []string{"| (body hidden: it holds a secret)"}
	}
	return hostscript.ShowLines(res.body, hostscript.ShownLines)
}
