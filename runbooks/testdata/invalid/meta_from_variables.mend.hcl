variable "n" {
  type = string
}

locals {
  from_step = diagnose.command.a.stdout
}

diagnose "command" "a" {
  on      = ["x"]
  command = "true"
}

repair "command" "b" {
  on      = ["x"]
  command = "true"
  serial  = local.from_step # ERROR: Invalid reference
  timeout = host.name # ERROR: Invalid reference

  retry {
    attempts = [var.n] # ERROR: Incorrect attribute value type
  }

  approval {
    reason = "on ${host.name}" # ERROR: Invalid reference
  }
}
