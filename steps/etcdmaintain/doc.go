// Package etcdmaintain holds the etcd_maintain repair type (Maintain):
// etcd's space maintenance, the cure for the NOSPACE alarm ("mvcc:
// database space exceeded"). It compacts the key history to the current
// revision (reported), defragments the members one at a time, followers
// before the leader, checking the member and the cluster's health after
// each and stopping at the first failure (a defrag blocks the member it
// runs on), then disarms the NOSPACE alarms and checks that none is left
// and every member is healthy. The plan shows the alarms, the order and
// the space each defrag is expected to free at least.
package etcdmaintain
