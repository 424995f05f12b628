# timeout, serial, retry and approval's reason from variables and locals,
# known before anything runs.
variable "ticket" {
  type = string
}

variable "batch" {
  type    = number
  default = 1
}

locals {
  patience = "${var.batch * 30}s"
  # Without a value for var.ticket (mend validate without -var) this is
  # unknown: checked at plan time, not "depends on a step result".
  why = "${var.ticket}: upgrades etcd"
}

repair "command" "restart" {
  on      = "etcd"
  command = "systemctl restart etcd"
  timeout = local.patience
  serial  = var.batch

  retry {
    attempts = var.batch + 2
    delay    = local.patience
  }

  approval {
    reason = "${var.ticket}: restarts etcd ${var.batch} member(s) at a time"
  }
}

diagnose "command" "token" {
  on        = "etcd"
  command   = "cat /etc/etcd/token"
  sensitive = true
}

diagnose "command" "version" {
  on      = "etcd"
  command = "etcd --version"
}

repair "command" "upgrade" {
  on      = "etcd"
  command = "apt-get install -y etcd"

  approval {
    reason = "${local.why} from ${join(", ", [for h, o in diagnose.command.version.hosts : trimspace(o.stdout)])}"
  }
}
