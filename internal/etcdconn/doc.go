// Package etcdconn is how mend's etcd step types talk to etcd: from the
// point of view of the host a step runs on, through that host's SSH
// connection (steps.Host.DialContext), with mutual TLS from CA,
// certificate and key files read from that host.
//
// The entry point is Dial, which reads the files and returns a Dialer.
// Dialer.Preflight shakes hands with one endpoint with plain crypto/tls
// before any RPC, so that a wrong CA is reported as a TLS failure with
// x509's reason, never as gRPC's bare "context deadline exceeded" (the
// v3 client connects lazily and only ever reports the deadline).
// Dialer.Client builds a clientv3 client whose connections go through the
// same host. Dialer.Sample probes one endpoint (pre-flight, Status, a
// linearizable read) and classifies what it saw (see the Class*
// constants); Dialer.Survey does that for every endpoint and adds the
// member list and alarms, which the repair steps check quorum with.
//
// Every network operation has an explicit bound: Timeouts.Dial for the
// connection and handshake, Timeouts.Call for each RPC. Key material is
// kept in memory for the handshakes only and never appears in errors.
package etcdconn
