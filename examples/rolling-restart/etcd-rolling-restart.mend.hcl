runbook {
  title       = "Rolling restart of etcd, one member at a time"
  description = <<-EOT
    Restarts every etcd member in turn: never while the cluster is
    unhealthy, waits for the restarted member to serve again, and waits
    for the whole cluster to be healthy before the next member goes down.
    The first member that does not come back stops the roll; the members
    after it are not touched.
  EOT
}

variable "etcd_hosts" {
  type        = list(string)
  description = "Inventory names of the etcd members, in the order to restart them (each with host var etcd_client_url)."
}

variable "etcd_ca" {
  type        = string
  description = "CA bundle on the etcd hosts that verifies the members' certificates."
}

variable "etcd_client_cert" {
  type        = string
  default     = "/etc/etcd/ssl/server.pem"
  description = "Client certificate on the etcd hosts (clientAuth)."
}

variable "etcd_client_key" {
  type        = string
  default     = "/etc/etcd/ssl/server.key"
  description = "Its key."
}

variable "supervisor" {
  type        = string
  default     = "systemd"
  description = "What runs etcd: systemd or runit."
}

variable "svdir" {
  type        = string
  default     = ""
  description = "runit's service directory (supervisor = runit only; empty: /etc/service)."
}

locals {
  endpoints = [for h in var.etcd_hosts : inventory.hosts[h].vars.etcd_client_url]
}

stage "restart_members" {
  on     = var.etcd_hosts
  serial = 1

  # 1. Never take a member down unless the whole cluster is healthy.
  diagnose "etcd_status" "cluster_before" {
    endpoints = local.endpoints
    ca_file   = var.etcd_ca
    cert_file = var.etcd_client_cert
    key_file  = var.etcd_client_key
    samples   = 1
    timeout   = "1m"

    expect {
      condition = self.ok
      message   = "etcd is not healthy before restarting ${host.name} (${self.class}: ${self.reason}); not restarting it."
    }
  }

  # 2. Restart this member (a new process that stays up, or the step fails).
  repair "service" "restart_etcd" {
    name       = "etcd"
    supervisor = var.supervisor
    svdir      = var.svdir
    action     = "restart"
    stable_for = "3s"

    approval {
      reason = "Restarts etcd on one member; the other members keep quorum."
    }
  }

  # 3. Wait until this member serves linearizable reads again.
  diagnose "wait_until" "member_back" {
    timeout  = "90s"
    interval = "1s"

    check "etcd_status" {
      endpoints = [host.vars.etcd_client_url]
      ca_file   = var.etcd_ca
      cert_file = var.etcd_client_cert
      key_file  = var.etcd_client_key
      samples   = 1
    }

    until = self.ok
  }

  # 4. Between members: the whole cluster healthy again, and stays so.
  between_batches {
    diagnose "wait_until" "cluster_healthy" {
      on         = var.etcd_hosts[0]
      timeout    = "90s"
      interval   = "1s"
      stable_for = "3s"

      check "etcd_status" {
        endpoints = local.endpoints
        ca_file   = var.etcd_ca
        cert_file = var.etcd_client_cert
        key_file  = var.etcd_client_key
        samples   = 1
      }

      until = self.ok
    }
  }
}
