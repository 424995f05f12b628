// Package lab is the mend lab: the 2019 Toolforge incident (kube-apiserver
// trusting a same-name CA that did not sign etcd's certificates) on one
// machine, for demos and end-to-end tests. It has no Go API.
//
// The entry point is lab.sh (see README.md): `lab.sh up` starts four
// OpenSSH hosts on loopback addresses, each in private mount, pid and uts
// namespaces, a 3-member etcd with mutual TLS, the kube-apiserver stand-in
// of ./apiserver under runit, and masterless puppet; it writes an inventory,
// known_hosts and variables for mend. lab_test.go drives it.
package lab
