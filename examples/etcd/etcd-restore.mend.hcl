runbook {
  title       = "etcd: restore the cluster from a snapshot (disaster recovery)"
  description = <<-EOT
    For a cluster that has lost quorum for good (data dirs lost or
    wrecked on a majority of members) or holds data that must be rolled
    back. If the cluster still answers, a fresh snapshot of what it holds
    now is saved first. Then, behind one approval, etcd_restore stops
    etcd on every member, moves each data dir aside (kept, never
    deleted), restores the same snapshot on each member with its own name
    and peer URL and a NEW cluster token, gives the new dir the old one's
    owner and mode 0700, starts every member and waits until all are
    healthy with the snapshot's revision. Per-member facts come from the
    inventory's host vars: etcd_name, etcd_peer_url, etcd_client_url,
    etcd_data_dir. After sign-off, remove the *.pre-restore-TOKEN dirs
    and *.snapshot-TOKEN.db copies by hand; restart etcd's clients
    (kube-apiserver) so they drop cached revisions.
  EOT
}

variable "etcd_hosts" {
  type        = list(string)
  description = "Inventory names of the etcd members (each with host vars etcd_name, etcd_peer_url, etcd_client_url, etcd_data_dir)."
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

variable "snapshot_host" {
  type        = string
  description = "Inventory host that holds the snapshot to restore (and gets the fresh one)."
}

variable "snapshot" {
  type        = string
  description = "Path of the snapshot to restore on snapshot_host (saved by etcd_snapshot or `etcdctl snapshot save`)."
}

variable "restore_token" {
  type        = string
  description = "A NEW --initial-cluster-token for the restored cluster, e.g. etcd-restored-20261205: old members cannot join it. It also names the moved-aside data dirs."
}

variable "backup_dir" {
  type        = string
  default     = "/var/backups/etcd"
  description = "Directory on snapshot_host for the fresh snapshot taken while the cluster still answers."
}

variable "etcd_stop_command" {
  type        = string
  default     = "systemctl stop etcd"
  description = "How etcd is stopped on a member's host."
}

variable "etcd_start_command" {
  type        = string
  default     = "systemctl start etcd"
  description = "How etcd is started on a member's host."
}

locals {
  members = [for h in var.etcd_hosts : {
    host       = h
    name       = inventory.hosts[h].vars.etcd_name
    peer_url   = inventory.hosts[h].vars.etcd_peer_url
    client_url = inventory.hosts[h].vars.etcd_client_url
    data_dir   = inventory.hosts[h].vars.etcd_data_dir
  }]
  endpoints = [for m in local.members : m.client_url]
}

# Precondition: how the cluster looks now (it may well have no quorum).
diagnose "etcd_status" "before" {
  on        = [var.snapshot_host]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  samples   = 2
}

# If the cluster still answers, keep what it holds now before replacing it.
repair "etcd_snapshot" "current_state" {
  on        = [var.snapshot_host]
  when      = diagnose.etcd_status.before.quorum
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  path      = "${var.backup_dir}/pre-restore-${var.restore_token}.db"
}

repair "etcd_restore" "from_snapshot" {
  snapshot_host = var.snapshot_host
  snapshot      = var.snapshot
  token         = var.restore_token
  members       = local.members
  stop_command  = var.etcd_stop_command
  start_command = var.etcd_start_command
  ca_file       = var.etcd_ca
  cert_file     = var.etcd_client_cert
  key_file      = var.etcd_client_key
  wait          = "2m"
  timeout       = "10m"

  approval {
    reason = "Replaces the whole etcd cluster with the snapshot (a new cluster, new token): writes made after the snapshot are lost"
  }
}

# Postcondition: every member healthy, seen from each member's own host,
# at least at the snapshot's revision.
diagnose "etcd_status" "after" {
  on        = var.etcd_hosts
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  samples   = 2

  expect {
    # slow counts as up: a cluster just restored on a busy machine may
    # answer over slow_threshold, and that is not a failed restore.
    condition = self.quorum && self.voters == length(var.etcd_hosts) && alltrue([for e in self.endpoints : contains(["healthy", "slow"], e.class)])
    message   = "the restored cluster is not healthy from ${host.name}: ${self.reason}"
  }
  expect {
    condition = self.revision >= repair.etcd_restore.from_snapshot.snapshot_revision
    message   = "revision ${self.revision} is below the snapshot's"
  }
}
