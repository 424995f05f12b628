// Package etcdtest runs real etcd clusters for tests.
//
// The entry point is Start: it makes a CA, member and client certificates
// in the test's temp dir (and a second, unrelated CA for wrong-CA cases),
// starts N etcd members with mutual TLS on free ports of 127.0.0.1 and
// waits until the cluster answers a linearizable read. Members can be
// stopped, restarted, paused (SIGSTOP) and resumed; Cluster.Client gives a
// direct clientv3 client for test set-up and checks. Everything stops in
// t.Cleanup.
//
// The etcd binary is $MEND_ETCD_BIN, else `etcd` on PATH (Debian's 3.4,
// installed by scripts/deps.sh). Start skips the test when it is missing,
// unless the CI environment variable is set, in which case it fails.
package etcdtest
