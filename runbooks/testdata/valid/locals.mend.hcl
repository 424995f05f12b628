# locals: named expressions over variables, the inventory, other locals and
# step results.
variable "members" {
  type = list(string)
}

locals {
  quorum    = floor(length(var.members) / 2) + 1
  endpoints = join(",", [for m in var.members : "https://${inventory.hosts[m].address}:2379"])
}

locals {
  healthy       = [for h, o in diagnose.command.health.hosts : h if o.exit_code == 0]
  has_quorum    = length(local.healthy) >= local.quorum
  health_report = "${length(local.healthy)} of ${length(var.members)} healthy"
}

diagnose "command" "health" {
  on      = var.members
  command = "etcdctl --endpoints ${local.endpoints} endpoint health"
}

diagnose "command" "report" {
  on      = [var.members[0]]
  when    = !local.has_quorum
  command = "echo ${shellquote(local.health_report)}"
}
