package httpcheck_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/httpcheck"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/mend-sh/mend/transport/local"
)

// observed is the part of the output a case checks.
type observed struct {
	Status  int
	OK      bool
	Verdict string
	HasErr  bool
}

func observe(v cty.Value) observed {
	status, _ := v.GetAttr("status").AsBigFloat().Int64()
	return observed{
		Status:  int(status),
		OK:      v.GetAttr("ok").True(),
		Verdict: v.GetAttr("verdict").AsString(),
		HasErr:  v.GetAttr("error").AsString() != "",
	}
}

// check runs http_check on h with the given timeout (0: the default).
func check(t *testing.T, h steps.Host, cfg *httpcheck.Config, timeout time.Duration) (cty.Value, error) {
	t.Helper()
	if err := (httpcheck.Type{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	resp, err := httpcheck.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h, Timeout: timeout})
	if err == nil && len(resp.Output.Type().TestConformance(httpcheck.Type{}.Output())) > 0 {
		t.Fatalf("output type %#v does not match Output()", resp.Output.Type())
	}
	return resp.Output, err
}

// app is the test server: /ok answers "ok", /unready 503, /slow sleeps,
// /big sends 100 KiB, /redirect redirects, /method echoes the method.
func app() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	mux.HandleFunc("/unready", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "[-]etcd failed", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, strings.Repeat("x", 100<<10)) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/method", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.Method) })
	return mux
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(app())
	defer srv.Close()
	tests := []struct {
		name    string
		cfg     httpcheck.Config
		timeout time.Duration
		want    observed
		body    string
	}{
		{name: "ok", cfg: httpcheck.Config{URL: srv.URL + "/ok"}, want: observed{200, true, "ok", false}, body: "ok"},
		{name: "503 is a result", cfg: httpcheck.Config{URL: srv.URL + "/unready"}, want: observed{503, false, "unexpected_status", false}, body: "[-]etcd failed\n"},
		{name: "503 expected", cfg: httpcheck.Config{URL: srv.URL + "/unready", ExpectStatus: []int{503}}, want: observed{503, true, "ok", false}},
		{name: "body found", cfg: httpcheck.Config{URL: srv.URL + "/unready", ExpectStatus: []int{503}, BodyContains: "etcd"}, want: observed{503, true, "ok", false}},
		{name: "body missing", cfg: httpcheck.Config{URL: srv.URL + "/ok", BodyContains: "ready"}, want: observed{200, false, "body_mismatch", false}},
		{name: "redirect not followed", cfg: httpcheck.Config{URL: srv.URL + "/redirect"}, want: observed{302, false, "unexpected_status", false}},
		{name: "method", cfg: httpcheck.Config{URL: srv.URL + "/method", Method: "options"}, want: observed{200, true, "ok", false}, body: "OPTIONS"},
		{name: "head", cfg: httpcheck.Config{URL: srv.URL + "/method", Method: "HEAD"}, want: observed{200, true, "ok", false}},
		{name: "refused", cfg: httpcheck.Config{URL: "http://" + closedPort(t) + "/"}, want: observed{0, false, "unreachable", true}},
		{name: "timeout", cfg: httpcheck.Config{URL: srv.URL + "/slow"}, timeout: 300 * time.Millisecond, want: observed{0, false, "timeout", true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := check(t, local.Host{}, &tt.cfg, tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, observe(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tt.body != "" && out.GetAttr("body").AsString() != tt.body {
				t.Errorf("body %q, want %q", out.GetAttr("body").AsString(), tt.body)
			}
		})
	}
}

func TestBodyIsCapped(t *testing.T) {
	srv := httptest.NewServer(app())
	defer srv.Close()
	out, err := check(t, local.Host{}, &httpcheck.Config{URL: srv.URL + "/big"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.GetAttr("body").AsString()); n != httpcheck.MaxBody {
		t.Errorf("body is %d bytes, want the cap %d", n, httpcheck.MaxBody)
	}
}

// redirectHost is a host whose network sees every address as target: it
// stands for a host with its own view of the network.
type redirectHost struct {
	local.Host
	target string
}

func (h redirectHost) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	return h.Host.DialContext(ctx, network, h.target)
}

func TestViaSSHDialsFromTheHost(t *testing.T) {
	mine := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "mend's view") }))
	defer mine.Close()
	theirs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "the host's view") }))
	defer theirs.Close()
	h := redirectHost{target: strings.TrimPrefix(theirs.URL, "http://")}
	no := false
	for _, tt := range []struct {
		name   string
		viaSSH *bool
		want   string
	}{{"default via the host", nil, "the host's view"}, {"via_ssh = false", &no, "mend's view"}} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := check(t, h, &httpcheck.Config{URL: mine.URL, ViaSSH: tt.viaSSH}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.GetAttr("body").AsString(); got != tt.want {
				t.Errorf("body %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWithoutHost(t *testing.T) {
	srv := httptest.NewServer(app())
	defer srv.Close()
	_, err := check(t, nil, &httpcheck.Config{URL: srv.URL + "/ok"}, 0)
	if steps.Classify(err) != steps.ClassConfig || !strings.Contains(err.Error(), "via_ssh needs a target host") {
		t.Errorf("via_ssh without a host: %v, want a config error", err)
	}
	no := false
	out, err := check(t, nil, &httpcheck.Config{URL: srv.URL + "/ok", ViaSSH: &no}, 0)
	if err != nil || !out.GetAttr("ok").True() {
		t.Errorf("via_ssh = false without a host: %v, %#v", err, out)
	}
}

func TestCanceledIsAnError(t *testing.T) {
	srv := httptest.NewServer(app())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := httpcheck.Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &httpcheck.Config{URL: srv.URL + "/slow"}, Host: local.Host{}})
	if steps.Classify(err) != steps.ClassCanceled {
		t.Errorf("error %v (class %q), want canceled", err, steps.Classify(err))
	}
}

// TestDecodeConfig: the arguments as a runbook gives them, decoded and
// validated as the engine does.
func TestDecodeConfig(t *testing.T) {
	const onlySafe = "a diagnose runs during plan and must not change anything, so the method must be one of GET, HEAD, OPTIONS"
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; http_check: " + msg} }
	no := false
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "all arguments", Type: httpcheck.Type{},
			Src: "url = \"https://127.0.0.1:6443/readyz\"\nmethod = \"HEAD\"\nexpect_status = [200, 204]\nbody_contains = \"ok\"\n" +
				"ca_file = \"/ca.pem\"\nvia_ssh = false\nshow_output = true\njson = true\n",
			Want: &httpcheck.Config{URL: "https://127.0.0.1:6443/readyz", Method: "HEAD", ExpectStatus: []int{200, 204}, BodyContains: "ok",
				CAFile: "/ca.pem", ViaSSH: &no, ShowOutput: true, JSON: true}},
		{Name: "url is required", Type: httpcheck.Type{}, Src: `method = "GET"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "url" is required`}},
		{Name: "url without scheme", Type: httpcheck.Type{}, Src: `url = "127.0.0.1:6443/readyz"`,
			WantDiags: refused(`url "127.0.0.1:6443/readyz" is not an absolute http:// or https:// URL`)},
		{Name: "ftp url", Type: httpcheck.Type{}, Src: `url = "ftp://x/"`,
			WantDiags: refused(`url "ftp://x/" is not an absolute http:// or https:// URL`)},
		{Name: "status not a code", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nexpect_status = [2000]\n",
			WantDiags: refused(`expect_status 2000 is not an HTTP status code`)},
		{Name: "ca_file without https", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nca_file = \"/ca.pem\"\n",
			WantDiags: refused(`ca_file is set but url "http://x/" is not https`)},
		{Name: "method with a path", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nmethod = \"GET /\"\n",
			WantDiags: refused(`method "GET /" is not allowed: ` + onlySafe)},
		// A diagnose runs during plan: no method that may change state
		// (review finding).
		{Name: "post", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nmethod = \"post\"\n",
			WantDiags: refused(`method "post" is not allowed: ` + onlySafe)},
		{Name: "delete", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nmethod = \"DELETE\"\n",
			WantDiags: refused(`method "DELETE" is not allowed: ` + onlySafe)},
		{Name: "put", Type: httpcheck.Type{}, Src: "url = \"http://x/\"\nmethod = \"PUT\"\n",
			WantDiags: refused(`method "PUT" is not allowed: ` + onlySafe)},
	}, stepstest.ConfigRefusals)
}

// show_output puts the body's first lines in the details (issue 8.7:
// only command had it); without it the details stay empty.
func TestShowOutput(t *testing.T) {
	srv := httptest.NewServer(app())
	defer srv.Close()
	for _, show := range []bool{true, false} {
		cfg := &httpcheck.Config{URL: srv.URL + "/unready", ExpectStatus: []int{503}, ShowOutput: show}
		if err := (httpcheck.Type{}).ValidateConfig(cfg); err != nil {
			t.Fatal(err)
		}
		resp, err := httpcheck.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: local.Host{}})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if show {
			want = []string{"| [-]etcd failed"}
		}
		if diff := cmp.Diff(want, resp.Details); diff != "" {
			t.Errorf("show_output = %v: details (-want +got):\n%s", show, diff)
		}
	}
}
