// Package etcdmember holds the etcd_member repair type (Member): add a
// member as a learner, promote it, remove a member, or (refused unless the
// arithmetic allows it) add a voting member, with the quorum arithmetic
// done before anything changes, in the plan and again in apply.
//
// The rules (decide) come from etcd's runtime-reconfiguration guide and
// the 1 -> 2 incident: no change without quorum; a voting add only when
// the healthy voters already reach the quorum of the larger cluster (so
// never to a 1-member cluster: etcd itself accepts that add, and the
// cluster cannot commit again until the new member starts); no removal
// from a 2-member cluster, or that leaves fewer healthy voters than the
// new quorum; one learner at a time (etcd 3.4's limit). allow_unsafe
// overrides the arithmetic (not the need for quorum) and is named in the
// plan. Connections go through internal/etcdconn.
package etcdmember
