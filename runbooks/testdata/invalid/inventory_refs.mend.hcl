variable "member" {
  type = string
  validation {
    condition     = contains(inventory.groups["etcd"], var.member) # ERROR: Invalid reference
    error_message = "not an etcd member"
  }
}

diagnose "command" "bad" {
  on      = inventory.group["etcd"] # ERROR: Unsupported attribute
  command = "echo ${inventory.hosts["etcd-01"].adress}" # ERROR: Unsupported attribute
}

diagnose "command" "no_host" {
  command = "echo ${host.vars.service}" # ERROR: Invalid reference to host
}

diagnose "command" "typo_root" {
  command = "echo ${inventroy.hosts}" # ERROR: Unknown variable
}
