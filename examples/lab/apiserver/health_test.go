package main

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHealthEndpoints(t *testing.T) {
	unknownCA := errors.New("127.0.0.21:2379: tls: failed to verify certificate: x509: certificate signed by unknown authority")
	type answer struct {
		Code int
		Body string
	}
	tests := []struct {
		name    string
		checked bool          // has a check finished?
		err     error         // its outcome
		age     time.Duration // how long ago
		path    string
		want    answer
	}{
		{"ready", true, nil, 0, "/readyz", answer{200, "ok"}},
		{"ready verbose", true, nil, 0, "/readyz?verbose", answer{200, "[+]ping ok\n[+]etcd ok\nreadyz check passed\n"}},
		{"unknown CA", true, unknownCA, 0, "/readyz", answer{500, "[+]ping ok\n[-]etcd failed: " + unknownCA.Error() + "\nreadyz check failed\n"}},
		{"unknown CA etcd only", true, unknownCA, 0, "/readyz/etcd", answer{500, "[-]etcd failed: " + unknownCA.Error() + "\nreadyz check failed\n"}},
		{"healthz follows etcd", true, unknownCA, 0, "/healthz", answer{500, "[+]ping ok\n[-]etcd failed: " + unknownCA.Error() + "\nhealthz check failed\n"}},
		{"livez ignores etcd", true, unknownCA, 0, "/livez", answer{200, "ok"}},
		{"not checked yet", false, nil, 0, "/readyz/etcd", answer{500, "[-]etcd failed: etcd not checked yet\nreadyz check failed\n"}},
		{"stale success", true, nil, time.Minute, "/readyz/etcd", answer{500, "[-]etcd failed: last etcd check is stale (1m0s old)\nreadyz check failed\n"}},
		{"unknown path", true, nil, 0, "/version", answer{404, "404 page not found\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := &readiness{maxAge: 10 * time.Second}
			if tt.checked {
				state.set(tt.err, time.Now().Add(-tt.age))
			}
			rec := httptest.NewRecorder()
			newMux(state).ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			got := answer{rec.Code, rec.Body.String()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestAllFailedGroupsEndpointsByError(t *testing.T) {
	addrs := []string{"a:1", "b:1", "c:1"}
	refused, unknown := errors.New("connection refused"), errors.New("unknown authority")
	tests := []struct {
		name string
		errs []error
		want string
	}{
		{"one endpoint ok", []error{refused, nil, unknown}, ""},
		{"same error", []error{unknown, unknown, unknown}, "a:1, b:1, c:1: unknown authority"},
		{"two errors", []error{unknown, refused, unknown}, "a:1, c:1: unknown authority; b:1: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, allFailed(addrs, tt.errs)); diff != "" {
				t.Errorf("allFailed (-want +got):\n%s", diff)
			}
		})
	}
}
