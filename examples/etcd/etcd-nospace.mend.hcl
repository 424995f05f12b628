runbook {
  title       = "etcd: database space exceeded (NOSPACE)"
  description = <<-EOT
    For "mvcc: database space exceeded": etcd has raised the NOSPACE
    alarm and accepts only reads and deletes. A snapshot is saved first
    (compaction drops history for good); then, behind one approval,
    etcd_maintain compacts the history to the current revision,
    defragments the members one at a time, followers before the leader,
    checking health after each and stopping at the first failure, and
    disarms the alarm. Afterwards every member must be healthy with no
    alarm left. If the space is live data rather than history, this frees
    little: raise --quota-backend-bytes (8 GiB at most) or delete data.
  EOT
}

variable "etcd_hosts" {
  type        = list(string)
  description = "Inventory names of the etcd members (each with host var etcd_client_url)."
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

variable "backup_dir" {
  type        = string
  default     = "/var/backups/etcd"
  description = "Directory on the first etcd host for the snapshot taken before compacting."
}

locals {
  from      = var.etcd_hosts[0]
  endpoints = [for h in var.etcd_hosts : inventory.hosts[h].vars.etcd_client_url]
}

# Preconditions: quorum (compaction and disarming need it) and every
# member answering (a defrag blocks its member: with another one down,
# that could cost quorum). The alarm itself is shown, not required.
diagnose "etcd_status" "before" {
  on        = [local.from]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  samples   = 2

  expect {
    condition = self.quorum
    message   = "etcd has no quorum: space maintenance needs it (${self.reason}); see etcd-restore.mend.hcl"
  }
  expect {
    condition = alltrue([for e in self.endpoints : contains(["healthy", "slow", "no_space"], e.class)])
    message   = "a member does not answer (${self.reason}): bring it back or replace it first (etcd-member-replace.mend.hcl)"
  }
}

repair "etcd_snapshot" "before_compaction" {
  on        = [local.from]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  path      = "${var.backup_dir}/etcd-before-compaction-${formatdate("YYYYMMDD'T'hhmmss", timestamp())}.db"
}

repair "etcd_maintain" "space" {
  on        = [local.from]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  timeout   = "30m"

  approval {
    reason = "Compacts etcd's history (older revisions are gone; a snapshot was saved first) and defragments every member, one at a time"
  }
}

diagnose "etcd_status" "after" {
  on        = var.etcd_hosts
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  samples   = 2

  expect {
    condition = self.quorum && length(self.alarms) == 0 && alltrue([for e in self.endpoints : contains(["healthy", "slow"], e.class)])
    message   = "etcd is not healthy after the maintenance from ${host.name}: ${self.reason}"
  }
}
