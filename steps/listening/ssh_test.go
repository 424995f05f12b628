package listening

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestListeningOverSSH: sockets this test opens (IPv4 and IPv6) and the
// sshd it talks through are found with their pids and process names.
func TestListeningOverSSH(t *testing.T) {
	l4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l4.Close()
	port := l4.Addr().(*net.TCPAddr).Port
	l6, err := net.Listen("tcp6", fmt.Sprintf("[::1]:%d", port))
	if err != nil {
		t.Logf("no IPv6 loopback: %v", err)
	} else {
		defer l6.Close()
	}
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	me := strings.TrimSpace(string(comm))

	resp, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Port: port}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if errs := resp.Output.Type().TestConformance(Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	var got []string
	for _, s := range resp.Output.GetAttr("sockets").AsValueSlice() {
		pid, _ := s.GetAttr("pid").AsBigFloat().Int64()
		p, _ := s.GetAttr("port").AsBigFloat().Int64()
		got = append(got, fmt.Sprintf("%s %s %d %d %s", s.GetAttr("proto").AsString(), s.GetAttr("address").AsString(), p, pid, s.GetAttr("process").AsString()))
	}
	want := []string{fmt.Sprintf("tcp 127.0.0.1 %d %d %s", port, os.Getpid(), me)}
	if l6 != nil {
		want = append(want, fmt.Sprintf("tcp6 ::1 %d %d %s", port, os.Getpid(), me))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sockets on port %d (-want +got):\n%s", port, d)
	}
	if wantSum := fmt.Sprintf("port %d: %s pid %d", port, me, os.Getpid()); resp.Summary != wantSum {
		t.Errorf("Summary = %q, want %q", resp.Summary, wantSum)
	}

	resp, err = Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Port: srv.Port}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose(sshd): %v", err)
	}
	if d := cmp.Diff(fmt.Sprintf("port %d: sshd pid %d", srv.Port, srv.PID()), resp.Summary); d != "" {
		t.Errorf("sshd's port (-want +got):\n%s", d)
	}

	l4.Close()
	if l6 != nil {
		l6.Close()
	}
	resp, err = Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Port: port}, Host: h})
	if err != nil || resp.Output.GetAttr("listening").True() || resp.Summary != fmt.Sprintf("nothing listens on port %d", port) {
		t.Errorf("after close: listening %#v, %q, %v", resp.Output.GetAttr("listening"), resp.Summary, err)
	}
}

func TestDecodeAddr(t *testing.T) {
	for _, tc := range []struct {
		in, addr string
		port     int64
		ok       bool
	}{
		{"0100007F:1F90", "127.0.0.1", 8080, true},
		{"00000000:0016", "0.0.0.0", 22, true},
		{"00000000000000000000000001000000:0016", "::1", 22, true},
		{"0000000000000000FFFF00000100007F:01BB", "127.0.0.1", 443, true},
		{"zz:1", "", 0, false},
		{"0100007F", "", 0, false},
	} {
		addr, port, ok := decodeAddr(tc.in)
		if addr != tc.addr || port != tc.port || ok != tc.ok {
			t.Errorf("decodeAddr(%q) = %q %d %v, want %q %d %v", tc.in, addr, port, ok, tc.addr, tc.port, tc.ok)
		}
	}
}
