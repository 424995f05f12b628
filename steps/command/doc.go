// Package command implements the `command` step type in both phases:
// Diagnose (a read-only command whose exit code and output are checked) and
// Repair (a mutating command, previewed as the exact command line, with
// `creates` and `unless` guards that make it idempotent).
//
// The entry points are Diagnose and Repair; steps/builtin lists them.
//
//	diagnose "command" "etcd_health" {
//	  command     = "etcdctl endpoint health -w json"
//	  json        = true
//	  expect_exit = [0, 1]
//	}
//
//	repair "command" "move_data_dir" {
//	  command = "mv /var/lib/etcd /var/lib/etcd.old"
//	  creates = "/var/lib/etcd.old"
//	}
package command
