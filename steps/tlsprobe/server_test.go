package tlsprobe_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// connLife bounds how long a test server keeps any one connection.
const connLife = 5 * time.Second

// servers tracks the test's listeners and connections and closes them all
// in t.Cleanup, waiting for every goroutine it started.
type servers struct {
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func newServers(t *testing.T) *servers {
	s := &servers{}
	t.Cleanup(func() {
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// listen starts a listener on 127.0.0.1 that runs handle for each
// connection (each bounded by connLife) and returns its address.
func (s *servers) listen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(connLife))
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return l.Addr().String()
}

// tlsServer serves TLS with cfg: it shakes hands, then reads until the
// client goes away, like a server waiting for a request.
func (s *servers) tlsServer(t *testing.T, cfg *tls.Config) string {
	return s.listen(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			io.Copy(io.Discard, tc)
		}
	})
}

// silent accepts connections and never says anything.
func (s *servers) silent(t *testing.T) string {
	return s.listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
}

// notTLS answers like an SSH server would.
func (s *servers) notTLS(t *testing.T) string {
	return s.listen(t, func(c net.Conn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n")
		io.Copy(io.Discard, c)
	})
}

// closedPort returns an address on 127.0.0.1 nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// serverConfig is a TLS server config presenting cert (plus chain), at
// most version max, requiring client certificates from clientCAs when not
// nil.
func serverConfig(cert tls.Certificate, max uint16, clientCAs *x509.CertPool) *tls.Config {
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, MaxVersion: max}
	if clientCAs != nil {
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, clientCAs
	}
	return cfg
}
