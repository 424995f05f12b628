// Package etcd holds the etcd runbooks (etcd-health.mend.hcl: diagnose
// only) and their tests.
package etcd
