// Package wait holds the diagnose type wait_until (Type, made by New): it
// runs another diagnose type, the nested check block, again and again
// until its `until` condition has held for a stability window, within the
// step's timeout.
//
//	diagnose "wait_until" "apiserver_ready" {
//	  on         = [var.master]
//	  timeout    = "90s"
//	  interval   = "2s"
//	  stable_for = "6s"
//	  check "http_check" {
//	    url = "https://127.0.0.1:6443/readyz"
//	  }
//	  until = self.ok
//	}
//
// The check's arguments and the condition stay unevaluated HCL in the
// config; each attempt decodes the check afresh and evaluates the
// condition with self bound to that attempt's output, through the
// request's steps.Evaluator. fail_fast_on names outcomes that waiting will
// not heal (an unknown certificate authority does not fix itself), so the
// step fails at once instead of spending its whole timeout. An attempt
// that loses the SSH connection (error class transport: sshd or the host
// restarted) makes the next attempt ask the request's HostResolver for
// the host again, so a wait across a restart can succeed.
package wait
