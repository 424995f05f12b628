// Package etcdrestore holds the etcd_restore repair type (Restore): the
// documented disaster-recovery procedure for an etcd cluster, run across
// every member's host from one step.
//
// Before anything changes it reads the snapshot on its host (etcd's
// sha256 trailer, the file's sha256, its revision from `snapshot
// status`), and on every member's host the tool to restore with (etcdutl
// on 3.5+, `etcdctl snapshot restore` on 3.4), the data dir and that the
// paths it will create are free. Apply then copies the same snapshot to
// every member (sha256 checked on each), stops etcd on every member and
// checks that none still answers, moves each data dir aside (never
// deletes it), restores the snapshot on each member with its own name
// and peer URL, the full initial cluster and a new cluster token, gives
// the new data dir the old one's owner and mode 0700, starts every
// member, and waits until the cluster is healthy with exactly the
// restored members and at least the snapshot's revision. The plan shows
// every move and command per member.
package etcdrestore
