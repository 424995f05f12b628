// Package etcdsnapshot holds the etcd_snapshot repair type (Snapshot):
// save a snapshot of exactly one healthy etcd member to a new file on the
// step's host, checked before it is written (etcd's own sha256 trailer)
// and after (the sha256 of the file on the host), with the member's
// revision at the time. It never overwrites a file. Connections go
// through internal/etcdconn.
package etcdsnapshot
