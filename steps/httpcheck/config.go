package httpcheck

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of an http_check block.
type Config struct {
	// URL is the http:// or https:// URL to request.
	URL string `hcl:"url"`
	// Method is the HTTP method: GET (the default), HEAD or OPTIONS. A
	// diagnose runs during plan, so methods that may change the server's
	// state are refused (AllowedMethods).
	Method string `hcl:"method,optional"`
	// ExpectStatus lists the status codes that count as ok; default [200].
	ExpectStatus []int `hcl:"expect_status,optional"`
	// BodyContains, when set, must occur in the (capped) body for ok.
	BodyContains string `hcl:"body_contains,optional"`
	// CAFile is a PEM bundle on the target host to verify an https server
	// with, instead of the system roots. There is deliberately no way to
	// skip verification.
	CAFile string `hcl:"ca_file,optional"`
	// ViaSSH dials from the target host through its SSH connection when
	// true (the default); false dials from the machine running mend.
	ViaSSH *bool `hcl:"via_ssh,optional"`
	// ShowOutput puts the body's first lines (hostscript.ShowLines) into
	// the step's details, so a plan shows what the endpoint said.
	ShowOutput bool `hcl:"show_output,optional"`
	// JSON parses the body as JSON into the json output; a body that is
	// not JSON makes the check fail with verdict body_not_json.
	JSON bool `hcl:"json,optional"`
}

// AllowedMethods are the methods http_check sends: the ones HTTP defines
// as safe, read-only, that a plan may send.
var AllowedMethods = []string{http.MethodGet, http.MethodHead, http.MethodOptions}

// request is a Config checked, with defaults filled in.
type request struct {
	url          *url.URL
	method       string
	expectStatus []int
	bodyContains string
	caFile       string
	viaSSH       bool
	show, json   bool
}

// parse checks c; errors are of class config and name the argument.
func (c *Config) parse() (request, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return request{}, steps.Errorf(steps.ClassConfig, "http_check: url %q is not an absolute http:// or https:// URL", c.URL)
	}
	r := request{
		url:          u,
		method:       strings.ToUpper(c.Method),
		expectStatus: c.ExpectStatus,
		bodyContains: c.BodyContains,
		caFile:       c.CAFile,
		viaSSH:       c.ViaSSH == nil || *c.ViaSSH,
		show:         c.ShowOutput,
		json:         c.JSON,
	}
	if r.method == "" {
		r.method = http.MethodGet
	}
	if !slices.Contains(AllowedMethods, r.method) {
		return request{}, steps.Errorf(steps.ClassConfig, "http_check: method %q is not allowed: a diagnose runs during plan and must not change anything, so the method must be one of %s",
			c.Method, strings.Join(AllowedMethods, ", "))
	}
	if len(r.expectStatus) == 0 {
		r.expectStatus = []int{http.StatusOK}
	}
	for _, s := range r.expectStatus {
		if s < 100 || s > 599 {
			return request{}, steps.Errorf(steps.ClassConfig, "http_check: expect_status %d is not an HTTP status code", s)
		}
	}
	if r.caFile != "" && u.Scheme != "https" {
		return request{}, steps.Errorf(steps.ClassConfig, "http_check: ca_file is set but url %q is not https", c.URL)
	}
	return r, nil
}
