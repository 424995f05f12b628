repair "command" "restart" {
  when    = diagnose.command.later.exit_code != 0 # ERROR: Reference to a later step
  command = "systemctl restart kubelet"
}

diagnose "command" "later" {
  command = "systemctl is-active kubelet ${diagnose.command.later.stdout}" # ERROR: Reference to the step itself
  when    = diagnose.command.later.exit_code == 0 # ERROR: Reference to the step itself

  expect {
    condition = diagnose.command.later.exit_code == 0 && self.exit_code == 0
    message   = "kubelet is not active: ${self.stdout}"
  }
}

repair "file" "self_in_when" {
  when    = repair.file.self_in_when.changed # ERROR: Reference to the step itself
  path    = "/x"
  content = repair.command.restart.stdout
}
