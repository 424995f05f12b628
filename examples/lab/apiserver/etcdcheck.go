package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// etcdChecker answers "can this apiserver use etcd right now?" the way the
// real one finds out: TLS with the --etcd-* files, then one etcd request.
type etcdChecker struct {
	addrs   []string // host:port of each --etcd-servers URL
	tls     *tls.Config
	client  *clientv3.Client
	timeout time.Duration
	key     string
}

// newEtcdChecker builds the etcd client (lazily connected: no I/O here).
func newEtcdChecker(urls []string, cfg *tls.Config, timeout time.Duration, prefix string) (*etcdChecker, error) {
	client, err := clientv3.New(clientv3.Config{
		Endpoints:   urls,
		TLS:         cfg,
		DialTimeout: timeout,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return nil, fmt.Errorf("etcd client: %w", err)
	}
	c := &etcdChecker{tls: cfg, client: client, timeout: timeout, key: path.Join("/", prefix, "health")}
	for _, u := range urls {
		parsed, _ := url.Parse(u) // validated by options.etcdURLs
		c.addrs = append(c.addrs, parsed.Host)
	}
	return c, nil
}

func (c *etcdChecker) close() { _ = c.client.Close() }

// check returns nil when at least one endpoint completes a mutual-TLS
// handshake and a linearizable Get succeeds, all within c.timeout each.
// Otherwise the error names the endpoints and the cause.
func (c *etcdChecker) check(ctx context.Context) error {
	errs := make([]error, len(c.addrs))
	var wg sync.WaitGroup
	for i, a := range c.addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = preflight(ctx, a, c.tls, c.timeout)
		}()
	}
	wg.Wait()
	if reason := allFailed(c.addrs, errs); reason != "" {
		return fmt.Errorf("%s", reason)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if _, err := c.client.Get(ctx, c.key); err != nil {
		return fmt.Errorf("etcd request (get %s): %w", c.key, err)
	}
	return nil
}

// allFailed returns "" if any err is nil; otherwise one line grouping the
// addresses by error text: "a:2379, b:2379: <error>; c:2379: <error>".
func allFailed(addrs []string, errs []error) string {
	var order []string
	byMsg := map[string][]string{}
	for i, err := range errs {
		if err == nil {
			return ""
		}
		msg := err.Error()
		if _, seen := byMsg[msg]; !seen {
			order = append(order, msg)
		}
		byMsg[msg] = append(byMsg[msg], addrs[i])
	}
	parts := make([]string, len(order))
	for i, msg := range order {
		parts[i] = strings.Join(byMsg[msg], ", ") + ": " + msg
	}
	return strings.Join(parts, "; ")
}

// watchEtcd runs check every interval until ctx is done, stores each
// outcome in state, and logs when the outcome changes (not every time).
func watchEtcd(ctx context.Context, c *etcdChecker, state *readiness, interval time.Duration, log *logger) {
	var last string
	for {
		err := c.check(ctx)
		if ctx.Err() != nil {
			return
		}
		state.set(err, time.Now())
		switch now := errString(err); {
		case now == last:
		case err == nil:
			log.Infof("etcd is reachable: readyz etcd check ok")
		default:
			log.Errorf("etcd cluster is unavailable or misconfigured: %v", err)
		}
		last = errString(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
