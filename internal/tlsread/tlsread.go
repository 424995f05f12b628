// Package tlsread holds what the TLS probes of tls_probe and etcd's
// pre-flight share: the first read after a client handshake, which is
// where a TLS 1.3 server's rejection of the client certificate shows.
package tlsread

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"
)

// First writes hello to c (when non-empty: e.g. an HTTP/2 client preface,
// so that a server that waits for the client speaks first) and reads once
// for at most window, to catch a TLS 1.3 server's rejection of the client
// certificate: the client's handshake completes before the server has
// looked at the certificate, and the server's alert only surfaces on the
// first Read. Data, a clean close or silence within the window mean "not
// rejected" (nil); a failed write or read (a TLS alert) is returned. A
// read still blocked when the window ends is ended by closing raw,
// because an SSH channel (x/crypto/ssh) supports no deadlines. When ctx
// ends first, its error is returned.
func First(ctx context.Context, c *tls.Conn, raw net.Conn, hello []byte, window time.Duration) error {
	done := make(chan error, 1)
	go func() {
		if len(hello) > 0 {
			if _, err := c.Write(hello); err != nil {
				done <- err
				return
			}
		}
		var b [1]byte
		_, err := c.Read(b[:])
		done <- err
	}()
	timer := time.NewTimer(window)
	defer timer.Stop()
	select {
	case err := <-done:
		if errors.Is(err, io.EOF) {
			return nil
		}
		return err
	case <-timer.C:
		raw.Close()
		<-done
		return nil
	case <-ctx.Done():
		raw.Close()
		<-done
		return ctx.Err()
	}
}
