package etcdconn

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Endpoint is one etcd client endpoint.
type Endpoint struct {
	URL  string // "https://host:port", what clientv3 is given
	Addr string // "host:port", what is dialled from the host
	Host string // the name the server certificate must be valid for
}

// ParseEndpoints parses "https://host:port" or "host:port" endpoints
// (argument what names them in errors). TLS is required: an http://
// endpoint is refused, since mend only talks to etcd over mutual TLS.
func ParseEndpoints(what string, eps []string) ([]Endpoint, error) {
	if len(eps) == 0 {
		return nil, fmt.Errorf("%s is empty: give at least one \"https://host:port\"", what)
	}
	out := make([]Endpoint, len(eps))
	seen := map[string]bool{}
	for i, s := range eps {
		ep, err := ParseEndpoint(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", what, i, err)
		}
		if seen[ep.Addr] {
			return nil, fmt.Errorf("%s[%d]: %q is given twice", what, i, s)
		}
		seen[ep.Addr] = true
		out[i] = ep
	}
	return out, nil
}

// ParseEndpoint parses one endpoint (see ParseEndpoints).
func ParseEndpoint(s string) (Endpoint, error) {
	hostport := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return Endpoint{}, fmt.Errorf("endpoint %q: %v", s, err)
		}
		if u.Scheme != "https" {
			return Endpoint{}, fmt.Errorf("endpoint %q: scheme %q: mend talks to etcd over TLS only: use https://", s, u.Scheme)
		}
		if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return Endpoint{}, fmt.Errorf("endpoint %q: want \"https://host:port\" without path, query or user", s)
		}
		hostport = u.Host
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || host == "" || port == "" {
		return Endpoint{}, fmt.Errorf("endpoint %q: want \"https://host:port\" or \"host:port\"", s)
	}
	return Endpoint{URL: "https://" + hostport, Addr: hostport, Host: host}, nil
}

// URLs are the endpoints' URLs.
func URLs(eps []Endpoint) []string {
	out := make([]string, len(eps))
	for i, ep := range eps {
		out[i] = ep.URL
	}
	return out
}
