// Package tlsprobe holds the tls_probe diagnose type (Probe): a TLS
// handshake with an endpoint from a target host's point of view (dialled
// through that host, so through its SSH connection), using trust and
// client-certificate files read from that host, classified into a verdict
// a runbook can act on: ok, unknown_authority, expired, name_mismatch,
// client_cert_rejected, unreachable, timeout or handshake_failed.
//
// Given several endpoints (a cluster's members), it probes each in turn
// and aggregates: the verdict is the most telling one (a CA mismatch
// outranks a member being down), and verified_by names the candidate CA
// files that verify every served chain (see Probe.Output).
//
// The probe always captures the served chain (it verifies the chain
// itself, after the handshake has handed it over), so a failed probe still
// says who issued the server's certificate, and it can try candidate CA
// files to say which one would have worked. Under TLS 1.3 a server rejects
// a client certificate only after the client's handshake has completed, so
// the probe reads once, briefly, to see the rejection (see internal/tlsread).
//
// Certificate parsing and chain classification come from internal/certs. Key material is read into memory for the handshake
// only; it never appears in outputs, summaries, details or errors.
package tlsprobe
