diagnose "command" "no_on" {
  when    = self.exit_code == 0 # ERROR: Invalid reference to self
  command = "hostname ${host.name}" # ERROR: Invalid reference to host

  expect {
    condition = self.exit_code == 0
    message   = "on ${host.address}" # ERROR: Invalid reference to host
  }
}

diagnose "command" "with_on" {
  on      = [host.name] # ERROR: Invalid reference to host
  command = "hostname ${host.name} ${self.stdout}" # ERROR: Invalid reference to self

  expect {
    condition = self.exit_cod == 0 # ERROR: Unsupported attribute
    message   = "failed on ${host.name}"
  }
}

diagnose "wait_until" "w" {
  deadline = "1m"
  until    = self.anything && diagnose.wait_until.w.attempts > 0
  check "command" {
    command = self.whatever
  }
}

variable "v" {
  type = string

  validation {
    condition     = var.v != "" && host.name != "" # ERROR: Invalid reference to host
    error_message = "${self.x}" # ERROR: Invalid reference to self
  }
}

repair "file" "f" {
  path    = "/x"
  content = "y"

  expect {
    condition = self.changed # ERROR: Unsupported attribute
    message   = "self is the output only"
  }
}
