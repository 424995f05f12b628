# for_each on diagnoses and repairs: a map or a set of strings (or a list
# of distinct strings), each.key and each.value in the instance's
# expressions, instances referred to as diagnose.TYPE.NAME["key"].
variable "certs" {
  type = map(string)
  default = {
    ca     = "/etc/etcd/ssl/ca.pem"
    server = "/etc/etcd/ssl/server.pem"
  }
}

variable "mounts" {
  type    = set(string)
  default = ["/", "/var"]
}

locals {
  members = inventory.groups["etcd"]
}

diagnose "command" "cert" {
  for_each = var.certs
  command  = "openssl x509 -noout -enddate -in ${shellquote(each.value)} # ${each.key}"
}

diagnose "command" "df" {
  for_each = var.mounts
  on       = ["etcd-01"]
  command  = "df -P ${shellquote(each.key)}"
}

diagnose "command" "member" {
  for_each = local.members
  on       = [each.key]
  command  = "systemctl is-active ${shellquote(host.vars.service)}"
}

# A diagnosis's for_each may come from another step's results (known at
# apply if that step is deferred in plan).
diagnose "command" "expiring" {
  for_each = toset([for k, c in diagnose.command.cert : k if c.exit_code != 0])
  command  = "echo ${each.key} needs renewal: ${diagnose.command.cert[each.key].stdout}"
}

repair "file" "install" {
  for_each = { for k, c in diagnose.command.cert : k => var.certs[k] if c.exit_code != 0 }
  on       = ["etcd-01"]
  path     = each.value
  content  = diagnose.command.cert[each.key].stdout
  approval {
    reason = "Replaces ${each.key} (${each.value})"
  }
}

diagnose "command" "after" {
  command = "echo ${length(repair.file.install)} ${jsonencode(keys(diagnose.command.cert))} ${repair.file.install["ca"].changed}"
}
