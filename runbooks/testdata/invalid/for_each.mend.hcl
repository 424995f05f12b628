variable "token" {
  type      = string
  sensitive = true
}

variable "tokens" {
  type      = map(string)
  sensitive = true
  default   = {}
}

locals {
  from_secret = toset([var.token])
}

diagnose "command" "plain" {
  command = "echo ${each.key}" # ERROR: Invalid reference to each
}

diagnose "command" "string" {
  for_each = "etcd-01" # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "null" {
  for_each = null # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "numbers" {
  for_each = toset([1, 2]) # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "duplicates" {
  for_each = ["a", "b", "a"] # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "null_element" {
  for_each = ["a", null] # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "secret_keys" {
  for_each = local.from_secret # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "secret_map" {
  for_each = var.tokens # ERROR: Invalid for_each argument
  command  = "true"
}

diagnose "command" "self_each" {
  for_each = toset([each.key]) # ERROR: Invalid reference to each
  command  = "true"
}

diagnose "command" "list" {
  for_each = ["a", "b"]
  command  = "echo ${each.value}"
}

diagnose "command" "uses_block" {
  command = diagnose.command.list.stdout # ERROR: Missing instance key
}

diagnose "command" "uses_instance" {
  command = diagnose.command.list["a"].stdot # ERROR: Unsupported attribute
}

repair "command" "fix" {
  for_each = toset(["a"])
  command  = "true"
}

repair "command" "after_fix" {
  for_each = toset([for k, r in repair.command.fix : k if r.changed]) # ERROR: Invalid for_each argument
  command  = "true"
}
