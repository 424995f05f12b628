runbook {
  title = "first"
}

runbook { # ERROR: Duplicate runbook block
  title = "second"
}

variable "v" {
  type = string
}

variable "v" { # ERROR: Duplicate variable declaration
  type = number
}

diagnose "command" "check" {
  command = "true"
}

diagnose "command" "check" { # ERROR: Duplicate step
  command = "false"
}

repair "command" "check" {
  command = "true"

  retry {
    attempts = 2
  }

  retry { # ERROR: Duplicate retry block
    attempts = 3
  }
}

repair "etcd_restore" "r" {
  snapshot = "/s"
  data_dir = "/d"

  approval {
    reason = "one"
  }

  approval { # ERROR: Duplicate approval block
    reason = "two"
  }
}

diagnose "wait_until" "w" {
  until    = true
  deadline = "1m"

  check "command" {
    command = "true"
  }

  check "command" { # ERROR: Duplicate check block
    command = "true"
  }
}
