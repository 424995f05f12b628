// Command kube-apiserver is the mend lab's stand-in for a Kubernetes API
// server: just enough of one to reproduce the 2019 Toolforge incident, where
// the apiserver trusted a CA that had not signed etcd's certificates.
//
// The entry point is run (main.go). Like the real server it takes
// --etcd-servers, --etcd-cafile, --etcd-certfile and --etcd-keyfile, logs
// every flag at start ("FLAG: --etcd-cafile=..."), reads the CA file once at
// start (so a fixed CA needs a restart), and really talks to etcd over mutual
// TLS with go.etcd.io/etcd/client/v3. Every --etcd-check-interval it
// TLS-handshakes each endpoint with those files and sends one etcd Get; the
// outcome drives /readyz (and /readyz?verbose, /readyz/etcd, /healthz).
// /livez only says the process is alive.
//
// Differences from the real kube-apiserver, on purpose: it serves plain HTTP
// on --listen (no serving certificate to manage in the lab), it stores
// nothing in etcd, and a failed check shows its reason
// ("[-]etcd failed: ...: x509: certificate signed by unknown authority")
// where the real one says "reason withheld".
package main
