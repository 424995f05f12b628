variable "v" {
  type = string
  validation {
    condition     = var.v != local.a # ERROR: Invalid reference
    error_message = "no"
  }
}

locals {
  a = local.b # ERROR: Cycle in local values
  b = local.a
  c = host.name # ERROR: Invalid reference to host
  d = diagnose.command.later.stdout
  e = local.d
  f = local.nope # ERROR: Reference to undeclared local value
  g = { x = 1 }
}

locals {
  a = "again" # ERROR: Duplicate local value
}

diagnose "command" "early" {
  command = "echo ${local.e}" # ERROR: Reference to a later step
}

diagnose "command" "later" {
  command = "echo ${local.g.y}" # ERROR: Unsupported attribute
}
