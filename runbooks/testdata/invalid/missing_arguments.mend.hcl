variable "v" {
  type = string

  validation { # ERROR: Missing required argument
    condition = var.v != ""
  }
}

diagnose "command" "no_command" { # ERROR: Missing required argument
  expect_exit = [0]
}

repair "file" "half" { # ERROR: Missing required argument
  path = "/etc/x"
}

diagnose "command" "meta" {
  command = "true"

  retry { # ERROR: Missing required argument
    delay = "1s"
  }

  expect { # ERROR: Missing required argument
    condition = true
  }
}

repair "etcd_restore" "r" {
  snapshot = "/s"
  data_dir = "/d"

  approval { # ERROR: Missing required argument
  }
}

diagnose "wait_until" "w" { # ERROR: Missing check block
  until    = true
  deadline = "1m"
}
