variable "members" {
  type    = list(string)
  default = ["etcd-01", "etcd-02", "etcd-03"]
}

diagnose "command" "before" {
  on      = var.members
  command = "etcdctl endpoint health"
}

# Restart one member at a time; the cluster must be healthy again before
# the next member goes down.
stage "rolling_restart" {
  on           = var.members
  when         = diagnose.command.before.hosts[host.name].exit_code == 0
  serial       = 1
  max_failures = 0

  diagnose "command" "drain" {
    command = "echo draining ${host.name}"
  }

  repair "command" "restart" {
    command = "sv restart etcd"

    approval {
      reason = "restarts etcd on one member"
    }
  }

  diagnose "command" "verify" {
    command = "etcdctl endpoint health --endpoints ${host.name}:2379"
    when    = repair.command.restart.hosts[host.name].changed
  }

  repair "command" "note" {
    on      = ["etcd-01"]
    command = "echo ${diagnose.command.verify.hosts[host.name].stdout}"
  }

  between_batches {
    diagnose "command" "cluster_healthy" {
      on      = ["etcd-01"]
      command = "etcdctl endpoint health --cluster"
    }
  }
}

variable "batch" {
  type    = string
  default = "34%"
}

variable "tolerate" {
  type    = number
  default = 1
}

stage "percentages" {
  on           = "web"
  serial       = var.batch
  max_failures = var.tolerate

  diagnose "command" "a" {
    command = "true"
  }
}

stage "together" {
  on      = ["web-1", "web-2"]
  barrier = true

  repair "command" "stop" {
    command = "sv stop app"
  }

  repair "command" "start" {
    command = "sv start app"
  }
}

diagnose "command" "after" {
  command = "echo ${diagnose.command.cluster_healthy.exit_code} ${repair.command.start.hosts["web-1"].changed}"
}
