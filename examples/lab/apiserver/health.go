package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// readiness holds the latest etcd check outcome, written by watchEtcd and
// read by the HTTP handlers.
type readiness struct {
	maxAge time.Duration // an outcome older than this counts as a failure

	mu  sync.Mutex
	err error
	at  time.Time // zero until the first check finishes
}

func (r *readiness) set(err error, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err, r.at = err, at
}

// etcd returns the etcd check's verdict as of now: nil means healthy.
func (r *readiness) etcd(now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.at.IsZero():
		return errors.New("etcd not checked yet")
	case r.err != nil:
		return r.err
	case now.Sub(r.at) > r.maxAge:
		return fmt.Errorf("last etcd check is stale (%s old)", now.Sub(r.at).Round(time.Second))
	}
	return nil
}

// namedCheck is one line of a /readyz?verbose answer.
type namedCheck struct {
	name string
	run  func() error
}

// newMux serves the kube-apiserver health paths: /readyz and /healthz
// (ping + etcd), /readyz/etcd, /livez (ping only: the process is alive).
func newMux(state *readiness) *http.ServeMux {
	ping := namedCheck{"ping", func() error { return nil }}
	etcd := namedCheck{"etcd", func() error { return state.etcd(time.Now()) }}
	mux := http.NewServeMux()
	mux.Handle("GET /readyz", healthHandler("readyz", ping, etcd))
	mux.Handle("GET /readyz/etcd", healthHandler("readyz", etcd))
	mux.Handle("GET /readyz/ping", healthHandler("readyz", ping))
	mux.Handle("GET /healthz", healthHandler("healthz", ping, etcd))
	mux.Handle("GET /livez", healthHandler("livez", ping))
	mux.Handle("GET /livez/ping", healthHandler("livez", ping))
	return mux
}

// healthHandler answers like kube-apiserver's healthz package: 200 "ok"
// when every check passes (the per-check list with ?verbose), 500 and the
// list ending in "<kind> check failed" when one fails.
func healthHandler(kind string, checks ...namedCheck) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var list strings.Builder
		failed := false
		for _, c := range checks {
			if err := c.run(); err != nil {
				failed = true
				fmt.Fprintf(&list, "[-]%s failed: %v\n", c.name, err)
				continue
			}
			fmt.Fprintf(&list, "[+]%s ok\n", c.name)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, verbose := r.URL.Query()["verbose"]
		switch {
		case failed:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "%s%s check failed\n", list.String(), kind)
		case verbose:
			fmt.Fprintf(w, "%s%s check passed\n", list.String(), kind)
		default:
			fmt.Fprint(w, "ok")
		}
	})
}
