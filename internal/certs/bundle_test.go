package certs_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/internal/certs/certstest"
)

func TestParseBundle(t *testing.T) {
	ca := certstest.NewCA(t, "Puppet CA: lab")
	srv := ca.Issue(t, certstest.Options{CommonName: "etcd"})
	type result struct {
		Fingerprints []string
		Skipped      []string
		Err          string
	}
	cases := []struct {
		name string
		data []byte
		want result
	}{
		{"one PEM certificate", ca.PEM(), result{Fingerprints: []string{certs.Fingerprint(ca.Cert.Cert)}}},
		{"bundle keeps file order", append(srv.PEM(), ca.PEM()...),
			result{Fingerprints: []string{certs.Fingerprint(srv.Cert), certs.Fingerprint(ca.Cert.Cert)}}},
		{"private key skipped, never parsed", append(srv.KeyPEM(t), srv.PEM()...),
			result{Fingerprints: []string{certs.Fingerprint(srv.Cert)}, Skipped: []string{"PRIVATE KEY"}}},
		{"DER", srv.Cert.Raw, result{Fingerprints: []string{certs.Fingerprint(srv.Cert)}}},
		{"key only", srv.KeyPEM(t), result{Skipped: nil, Err: "no certificate found"}},
		{"empty", nil, result{Err: "no certificate found"}},
		{"garbage", []byte("hello"), result{Err: "not PEM, and not DER either"}},
		{"broken certificate block", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
			result{Err: "certificate 1: "}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := certs.ParseBundle(tc.data)
			var got result
			if err != nil {
				got.Err = err.Error()
				if strings.HasPrefix(got.Err, tc.want.Err) {
					got.Err = tc.want.Err
				}
			}
			for _, c := range b.Certs {
				got.Fingerprints = append(got.Fingerprints, certs.Fingerprint(c))
			}
			got.Skipped = b.Skipped
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseBundle (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHexColon(t *testing.T) {
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"empty":     {nil, ""},
		"one byte":  {[]byte{0xab}, "AB"},
		"uppercase": {[]byte{0x0a, 0xbc, 0xde}, "0A:BC:DE"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, certs.HexColon(tc.in)); diff != "" {
				t.Errorf("HexColon(%x) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
	if got := certs.ShortFingerprint("AB:CD:EF:01:23:45:67:89"); got != "AB:CD:EF:01:23:45…" {
		t.Errorf("ShortFingerprint = %q", got)
	}
}
