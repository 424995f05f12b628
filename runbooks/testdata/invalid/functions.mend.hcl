# Functions are checked like any expression: unknown names, arity and
# argument types known before the run.
diagnose "command" "calls" {
  on      = ["etcd-01"]
  command = "echo ${upper("a", "b")}" # ERROR: Too many function arguments
}

diagnose "command" "few" {
  on      = ["etcd-01"]
  command = "echo ${replace("a", "b")}" # ERROR: Not enough function arguments
}

diagnose "command" "types" {
  on      = ["etcd-01"]
  command = "echo ${cidrhost("10.0.0.0/8", "first")}" # ERROR: Invalid function argument
}

diagnose "command" "unknown" {
  on      = ["etcd-01"]
  command = "echo ${regexreplace("a", "b", "c")}" # ERROR: Call to unknown function
}
