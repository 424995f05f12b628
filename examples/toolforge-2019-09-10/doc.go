// Package incident holds the runbook for the 2019-09-10 Toolforge
// incident (etcd-ca-mismatch.mend.hcl) and its end-to-end test, which runs
// the runbook against the lab (examples/lab) with real sshd, etcd, runit
// and puppet: TestIncidentEndToEnd. There is no Go code to import here.
package incident
