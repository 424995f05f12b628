package local

import (
	"context"
	"io"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestInfo(t *testing.T) {
	tests := []struct {
		host Host
		want steps.HostInfo
	}{
		{Host{}, steps.HostInfo{Name: "local", Address: "local"}},
		{Host{Name: "workstation"}, steps.HostInfo{Name: "workstation", Address: "local"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.host.Info()); diff != "" {
			t.Errorf("Info (-want +got):\n%s", diff)
		}
	}
}

func TestDialContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hello"))
			c.Close()
		}
	}()
	conn, err := Host{}.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("DialContext: %v", err)
	}
	got, err := io.ReadAll(conn)
	conn.Close()
	if err != nil || string(got) != "hello" {
		t.Errorf("read %q, %v; want hello", got, err)
	}

	ln.Close()
	closed := stepstest.ClosedPort(t)
	if _, err := (Host{}).DialContext(context.Background(), "tcp", closed); steps.Classify(err) != steps.ClassUnreachable {
		t.Errorf("dial to a closed port: %v (%s), want class unreachable", err, steps.Classify(err))
	}
}
