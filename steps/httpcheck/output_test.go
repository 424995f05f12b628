package httpcheck_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/httpcheck"
)

// apiServer answers like an etcd /health, a Kubernetes /readyz?verbose,
// a login that sets a cookie, and a page that is not JSON.
func apiServer(t *testing.T, keyPEM []byte) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Etcd-Cluster-Id", "cdf818194e3a8c32")
		fmt.Fprint(w, `{"health":"false","reason":"RAFT NO LEADER","members":[1,2,3]}`)
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		for i := range 14 {
			fmt.Fprintf(w, "[+]check-%02d ok\n", i)
		}
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, _ *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t-session-token"})
		fmt.Fprint(w, "{}")
	})
	mux.HandleFunc("/leak", func(w http.ResponseWriter, _ *http.Request) { w.Write(keyPEM) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func diagnose(t *testing.T, h steps.Host, cfg httpcheck.Config) steps.DiagnoseResponse {
	t.Helper()
	if err := (httpcheck.Type{}).ValidateConfig(&cfg); err != nil {
		t.Fatal(err)
	}
	resp, err := httpcheck.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: h, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if errs := resp.Output.Type().TestConformance(httpcheck.Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	return resp
}

// TestJSONHeadersShowOutputOverSSH requests through a real sshd: json
// parses the body into a value a runbook can read, headers come back by
// lower-case name with set-cookie hidden, show_output puts the first
// lines into the details, a body that is not JSON fails the check, and
// a body holding a private key is sensitive and never shown.
func TestJSONHeadersShowOutputOverSSH(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	key := certstest.NewCA(t, "x").KeyPEM(t)
	srv := apiServer(t, key)

	health := diagnose(t, h, httpcheck.Config{URL: srv.URL + "/health", JSON: true})
	j := health.Output.GetAttr("json")
	got := []string{j.GetAttr("health").AsString(), j.GetAttr("reason").AsString(), fmt.Sprint(j.GetAttr("members").LengthInt()),
		health.Output.GetAttr("headers").Index(cty.StringVal("content-type")).AsString(),
		health.Output.GetAttr("headers").Index(cty.StringVal("x-etcd-cluster-id")).AsString()}
	if d := cmp.Diff([]string{"false", "RAFT NO LEADER", "3", "application/json", "cdf818194e3a8c32"}, got); d != "" {
		t.Errorf("json and headers (-want +got):\n%s", d)
	}
	if len(health.Details) != 0 {
		t.Errorf("details without show_output: %q", health.Details)
	}

	ready := diagnose(t, h, httpcheck.Config{URL: srv.URL + "/readyz", ShowOutput: true})
	want := []string{}
	for i := range 10 {
		want = append(want, fmt.Sprintf("| [+]check-%02d ok", i))
	}
	want = append(want, "| (4 more lines)")
	if d := cmp.Diff(want, ready.Details); d != "" {
		t.Errorf("show_output details (-want +got):\n%s", d)
	}
	if !ready.Output.GetAttr("json").IsNull() {
		t.Error("json is set without json = true")
	}

	notJSON := diagnose(t, h, httpcheck.Config{URL: srv.URL + "/readyz", JSON: true})
	if v := notJSON.Output.GetAttr("verdict").AsString(); v != httpcheck.VerdictBodyNotJSON || notJSON.Output.GetAttr("ok").True() {
		t.Errorf("verdict %q for a body that is not JSON (%s)", v, notJSON.Summary)
	}

	login := diagnose(t, h, httpcheck.Config{URL: srv.URL + "/login", ShowOutput: true})
	if c := login.Output.GetAttr("headers").Index(cty.StringVal("set-cookie")).AsString(); c != "(hidden)" {
		t.Errorf("set-cookie = %q, want hidden", c)
	}

	leak := diagnose(t, h, httpcheck.Config{URL: srv.URL + "/leak", ShowOutput: true, JSON: false})
	if !leak.Output.GetAttr("body").HasMark(steps.SensitiveMark) {
		t.Error("a body holding a private key is not marked sensitive")
	}
	if strings.Contains(strings.Join(leak.Details, "\n"), "PRIVATE KEY") {
		t.Errorf("show_output shows a private key: %q", leak.Details)
	}
}
