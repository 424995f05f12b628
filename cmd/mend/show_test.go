package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateShow = flag.Bool("update", false, "rewrite testdata/show/*.golden")

// TestShowGolden renders runbooks of examples/ in both formats against an
// inventory of hosts no one can reach (127.0.0.1 port 1, names under
// .invalid, a TEST-NET address): show must succeed without them.
func TestShowGolden(t *testing.T) {
	inv := filepath.Join("testdata", "show", "offline.inventory.mend.hcl")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"toolforge", []string{"-i", inv, "-var-file", "testdata/show/toolforge.vars.mend.hcl", "../../examples/toolforge-2019-09-10/etcd-ca-mismatch.mend.hcl"}},
		{"toolforge-novars", []string{"../../examples/toolforge-2019-09-10/etcd-ca-mismatch.mend.hcl"}},
		{"rolling-restart", []string{"-i", inv, "-var", `etcd_hosts=["etcd-01","etcd-02","etcd-03"]`,
			"-var", "etcd_ca=/etc/etcd/ca.pem", "../../examples/rolling-restart/etcd-rolling-restart.mend.hcl"}},
		{"signed-gate", []string{"-i", inv, "testdata/show/signed.mend.hcl"}},
	} {
		for _, format := range []string{"text", "markdown"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				var out, errb bytes.Buffer
				args := append([]string{"show", "-format", format}, tc.args...)
				if code := Main(args, strings.NewReader(""), &out, &errb); code != 0 {
					t.Fatalf("mend show exited %d: %s", code, errb.String())
				}
				ext := map[string]string{"text": ".txt", "markdown": ".md"}[format]
				checkGolden(t, filepath.Join("testdata", "show", tc.name+ext+".golden"), out.String())
			})
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateShow {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestShowReachesNoHost points every inventory host at a listening
// socket on loopback and checks, after show, that nothing connected: a
// connection would sit in the listen queue whether or not it is accepted.
func TestShowReachesNoHost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	inv := filepath.Join(dir, "inv.mend.hcl")
	var hosts strings.Builder
	for _, h := range []string{"k8s-master-01", "etcd-01", "etcd-02", "etcd-03"} {
		fmt.Fprintf(&hosts, "host %q {\n  address = \"127.0.0.1\"\n  port = %d\n}\n", h, port)
	}
	if err := os.WriteFile(inv, []byte(hosts.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown"} {
		var out, errb bytes.Buffer
		args := []string{"show", "-format", format, "-i", inv, "-var-file", "testdata/show/toolforge.vars.mend.hcl",
			"../../examples/toolforge-2019-09-10/etcd-ca-mismatch.mend.hcl"}
		if code := Main(args, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("mend show -format %s exited %d: %s", format, code, errb.String())
		}
		if !strings.Contains(out.String(), fmt.Sprintf("k8s-master-01 (127.0.0.1:%d)", port)) {
			t.Errorf("show -format %s does not name the resolved host:\n%s", format, out.String())
		}
	}
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(100 * time.Millisecond))
	c, err := ln.Accept()
	if err == nil {
		c.Close()
		t.Fatal("mend show connected to an inventory host")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("accept: %v", err)
	}
}
