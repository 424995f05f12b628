package runbooks

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAddrRoundTrip(t *testing.T) {
	block := Addr{Phase: Repair, Type: "file", Name: "install_cert"}
	tests := []struct {
		name string
		addr Addr
		want string
	}{
		{"block", block, "repair.file.install_cert"},
		{"plain key", block.Instance("etcd-01"), `repair.file.install_cert["etcd-01"]`},
		{"empty key", block.Instance(""), `repair.file.install_cert[""]`},
		{"path key", Addr{Phase: Diagnose, Type: "x509_inspect", Name: "cert"}.Instance("/etc/ssl/a b.pem"), `diagnose.x509_inspect.cert["/etc/ssl/a b.pem"]`},
		{"quotes and backslash", block.Instance(`a"b\c`), `repair.file.install_cert["a\"b\\c"]`},
		{"template introducers", block.Instance("${x}%{y}$z"), `repair.file.install_cert["$${x}%%{y}$z"]`},
		{"control characters", block.Instance("a\nb\x1b"), `repair.file.install_cert["a\nb\u001b"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.addr.String(); got != tc.want {
				t.Fatalf("String() = %s, want %s", got, tc.want)
			}
			back, err := ParseAddr(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.addr, back); diff != "" {
				t.Errorf("ParseAddr(%s) (-want +got):\n%s", tc.want, diff)
			}
			if back.Block() != "repair.file.install_cert" && back.Phase == Repair {
				t.Errorf("Block() = %s", back.Block())
			}
		})
	}
}

func TestParseAddrRejects(t *testing.T) {
	for _, s := range []string{"", "repair", "repair.file", "resource.file.x", `repair.file.x[0]`, `repair.file.x["a"]["b"]`, `repair.file.x.y`, `repair.file.x[`} {
		if a, err := ParseAddr(s); err == nil {
			t.Errorf("ParseAddr(%q) = %+v, want an error", s, a)
		}
	}
}
