// Package etcdforce holds the etcd_force_new_cluster repair type: the way
// out of the 1 -> 2 trap. A voting member was added to a 1-member cluster
// and never started; the cluster needs 2 votes and has 1, so writes and
// even `member remove` time out, and no API call can undo it. The
// surviving member is restarted once with --force-new-cluster (which
// rewrites the membership to itself alone, keeping its data), then
// restarted normally, and its data is checked: the same revision (or
// later) and the same number of keys as before.
//
// etcd calls --force-new-cluster "strongly discouraged because it will
// panic if other members from previous cluster are still alive", so the
// step refuses while the cluster has quorum, and while any other member
// it can find answers on its peer URL; it is dangerous (needs its own
// approval).
package etcdforce
