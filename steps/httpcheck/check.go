package httpcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// DefaultTimeout bounds a request when the step has no timeout.
const DefaultTimeout = 10 * time.Second

// MaxBody is how much of the body is kept (and searched by body_contains).
const MaxBody = 64 << 10

// Type is the http_check diagnose type. Its zero value is ready to use.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "http_check".
func (Type) Name() string { return "http_check" }

// NewConfig returns a zero *Config.
func (Type) NewConfig() any { return &Config{} }

// Output is http_check's result:
//
//	status      the HTTP status code; 0 when there was no answer
//	ok          status is in expect_status and the body holds body_contains
//	body        the body, at most MaxBody bytes (invalid UTF-8 replaced)
//	error       why there was no answer ("" when there was one)
//	verdict     ok, unexpected_status, body_mismatch, or why there was no
//	            answer: unreachable, timeout, unknown_authority, expired,
//	            name_mismatch, client_cert_rejected, handshake_failed,
//	            protocol_error
//	elapsed_ms  time from dial to the end of the (capped) body
//	headers     the answer's headers: lower-case name -> values joined
//	            by ", " (at most MaxHeaders, each value cut at 1 KiB;
//	            set-cookie's value hidden)
//	json        the body parsed as JSON when json = true, else null
//	            (verdict body_not_json when it does not parse)
//
// body and json are marked sensitive when the body holds key material or
// credentials (steps.ContainsSecret).
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"status":     cty.Number,
		"ok":         cty.Bool,
		"body":       cty.String,
		"error":      cty.String,
		"verdict":    cty.String,
		"elapsed_ms": cty.Number,
		"headers":    cty.Map(cty.String),
		"json":       cty.DynamicPseudoType,
	})
}

// ValidateConfig checks the URL, method and expected statuses.
func (Type) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

// result is one request's outcome.
type result struct {
	status  int
	body    string
	err     string
	verdict string
	elapsed time.Duration
	headers map[string]string
	json    cty.Value // null unless json = true and the body parsed
	secret  bool      // the body holds key material or credentials
}

// Diagnose makes the request once. Its timeout is the step's timeout, or
// DefaultTimeout. It returns an error only when the check could not be
// attempted: invalid arguments, an unreadable ca_file, the SSH connection
// to the host lost, or the run canceled.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	r, err := cfg.parse()
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	client, d, err := r.client(ctx, req.Host, timeout)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	res, err := r.do(ctx, client, d)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	return steps.DiagnoseResponse{Output: res.output(), Summary: r.summary(res), Details: r.details(res)}, nil
}

// do sends the request and reads at most MaxBody bytes of the answer.
func (r request) do(ctx context.Context, client *http.Client, d *dialer) (result, error) {
	hreq, err := http.NewRequestWithContext(ctx, r.method, r.url.String(), nil)
	if err != nil {
		return result{}, steps.Errorf(steps.ClassConfig, "http_check: %v", err)
	}
	hreq.Header.Set("User-Agent", "mend-http_check")
	start := time.Now()
	resp, err := client.Do(hreq)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody))
		res := result{status: resp.StatusCode, body: strings.ToValidUTF8(string(body), "\uFFFD"), elapsed: time.Since(start),
			headers: headerMap(resp.Header), json: cty.NullVal(cty.DynamicPseudoType), secret: steps.ContainsSecret(body)}
		if err == nil {
			res.verdict = r.judge(res)
			if r.json && res.verdict == VerdictOK {
				res.readJSON(body, resp.ContentLength)
			}
			return res, nil
		}
	}
	return r.failed(ctx, err, d.lastErr(), time.Since(start))
}

// failed turns a request error into a result, or into an error when the
// check itself could not run.
func (r request) failed(ctx context.Context, err, dialErr error, elapsed time.Duration) (result, error) {
	if errors.Is(ctx.Err(), context.Canceled) {
		return result{}, fmt.Errorf("http_check %s: %w", r.url.Redacted(), ctx.Err())
	}
	if dialErr != nil && observerFailed(dialErr) {
		return result{}, dialErr
	}
	return result{err: err.Error(), verdict: failureVerdict(ctx, err, dialErr), elapsed: elapsed}, nil
}

// judge gives the verdict on an answer.
func (r request) judge(res result) string {
	switch {
	case !slices.Contains(r.expectStatus, res.status):
		return VerdictUnexpectedStatus
	case r.bodyContains != "" && !strings.Contains(res.body, r.bodyContains):
		return VerdictBodyMismatch
	}
	return VerdictOK
}

func (res result) output() cty.Value {
	body, json := cty.StringVal(res.body), res.json
	if json == cty.NilVal {
		json = cty.NullVal(cty.DynamicPseudoType)
	}
	if res.secret {
		body, json = steps.Sensitive(body), steps.Sensitive(json)
	}
	headers := cty.MapValEmpty(cty.String)
	if len(res.headers) > 0 {
		hv := map[string]cty.Value{}
		for k, v := range res.headers {
			hv[k] = cty.StringVal(v)
		}
		headers = cty.MapVal(hv)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"status":     cty.NumberIntVal(int64(res.status)),
		"ok":         cty.BoolVal(res.verdict == VerdictOK),
		"body":       body,
		"error":      cty.StringVal(res.err),
		"verdict":    cty.StringVal(res.verdict),
		"elapsed_ms": cty.NumberIntVal(res.elapsed.Milliseconds()),
		"headers":    headers,
		"json":       json,
	})
}

// summary is one line: "GET https://x/readyz: 200 OK (12 ms)".
func (r request) summary(res result) string {
	what := fmt.Sprintf("%s %s", r.method, r.url.Redacted())
	switch res.verdict {
	case VerdictOK:
		return fmt.Sprintf("%s: %d %s (%d ms)", what, res.status, http.StatusText(res.status), res.elapsed.Milliseconds())
	case VerdictUnexpectedStatus:
		return fmt.Sprintf("%s: %d %s, want %v", what, res.status, http.StatusText(res.status), r.expectStatus)
	case VerdictBodyMismatch:
		return fmt.Sprintf("%s: %d, body does not contain %q", what, res.status, r.bodyContains)
	case VerdictBodyNotJSON:
		return fmt.Sprintf("%s: %d, body is not JSON: %s", what, res.status, res.err)
	}
	return fmt.Sprintf("%s: %s: %s", what, res.verdict, res.err)
}
