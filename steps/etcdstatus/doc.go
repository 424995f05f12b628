// Package etcdstatus holds the etcd_status diagnose type (Status): the
// health of an etcd cluster from a target host's point of view, dialled
// through that host's SSH connection with TLS files read from it
// (internal/etcdconn), sampled several times so that one slow answer is
// not read as "down" and an intermittent one not as "flapping".
//
// Each endpoint and the cluster get a class: healthy, slow, no_quorum,
// tls_failure, unreachable or no_space (see Status.Output). The cluster
// also says whether it has quorum, its leader, members (voters and
// learners), revision, raft term, db size and size in use, the quota when
// the server reports it, its alarms and the server version, with the
// timeouts used printed beside them.
package etcdstatus
