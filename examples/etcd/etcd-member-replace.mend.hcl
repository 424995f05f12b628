runbook {
  title       = "etcd: replace a dead member"
  description = <<-EOT
    For a member that is gone for good (disk lost, host rebuilt) while the
    others keep quorum. In the order the etcd docs give, one change at a
    time: stop what is left of the old member, remove it (refused unless
    the remaining members keep quorum), move its data dir aside (a removed
    member's data would make etcd exit: "this member has been permanently
    removed"), add the replacement as a LEARNER (it does not vote, so the
    quorum does not change while it catches up), start it with
    --initial-cluster-state=existing and the member list etcd returned,
    and promote it once it is in sync. The replacement reuses the old
    member's name, peer URL and data dir from the inventory's host vars
    (etcd_name, etcd_peer_url, etcd_client_url, etcd_data_dir).
  EOT
}

variable "etcd_hosts" {
  type        = list(string)
  description = "Inventory names of the etcd members, the dead one included."
}

variable "dead_member" {
  type        = string
  description = "Inventory name of the member to replace (its host is where the replacement runs)."
}

variable "replace_id" {
  type        = string
  description = "A word naming this replacement (e.g. a ticket or date); the old data dir is kept as DATA_DIR.replaced-ID."
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

variable "etcd_env_file" {
  type        = string
  default     = "/etc/default/etcd"
  description = "The environment file etcd's service reads (ETCD_INITIAL_CLUSTER, ETCD_INITIAL_CLUSTER_STATE)."
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
  dead      = inventory.hosts[var.dead_member].vars
  via       = [for h in var.etcd_hosts : h if h != var.dead_member][0]
  endpoints = [for h in var.etcd_hosts : inventory.hosts[h].vars.etcd_client_url]
}

# Preconditions, seen from a surviving member: quorum holds.
diagnose "etcd_status" "before" {
  on        = [local.via]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  samples   = 2

  expect {
    condition = self.quorum
    message   = "etcd has no quorum (${self.reason}): membership cannot change; see etcd-restore.mend.hcl"
  }
}

repair "command" "stop_old" {
  on      = [var.dead_member]
  command = var.etcd_stop_command
}

repair "etcd_member" "remove_old" {
  on        = [local.via]
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  action    = "remove"
  member    = local.dead.etcd_name

  approval {
    reason = "Removes the dead member from etcd's member list (refused if the others would lose quorum)"
  }
}

repair "command" "move_old_data" {
  on      = [var.dead_member]
  when    = repair.etcd_member.remove_old.hosts[local.via].outcome != "failed"
  command = "if [ -e ${shellquote(local.dead.etcd_data_dir)} ]; then mv ${shellquote(local.dead.etcd_data_dir)} ${shellquote("${local.dead.etcd_data_dir}.replaced-${var.replace_id}")}; fi"
  unless  = "test -e ${shellquote("${local.dead.etcd_data_dir}.replaced-${var.replace_id}")}"
}

repair "etcd_member" "add_new" {
  on        = [local.via]
  when      = repair.etcd_member.remove_old.hosts[local.via].outcome != "failed"
  endpoints = local.endpoints
  ca_file   = var.etcd_ca
  cert_file = var.etcd_client_cert
  key_file  = var.etcd_client_key
  action    = "add_learner"
  name      = local.dead.etcd_name
  peer_urls = [local.dead.etcd_peer_url]

  approval {
    reason = "Adds the replacement as a learner (no vote: quorum unchanged)"
  }
}

repair "file" "join_existing" {
  on      = [var.dead_member]
  path    = var.etcd_env_file
  mode    = "0644"
  backup  = true
  content = "ETCD_INITIAL_CLUSTER=${repair.etcd_member.add_new.initial_cluster}\nETCD_INITIAL_CLUSTER_STATE=existing\n"
}

repair "command" "start_new" {
  on      = [var.dead_member]
  command = var.etcd_start_command
}

repair "etcd_member" "promote_new" {
  on           = [local.via]
  endpoints    = local.endpoints
  ca_file      = var.etcd_ca
  cert_file    = var.etcd_client_cert
  key_file     = var.etcd_client_key
  when         = repair.etcd_member.add_new.hosts[local.via].outcome != "failed"
  action       = "promote"
  member       = local.dead.etcd_name
  promote_wait = "2m"

  # Until the learner has started and published its name, etcd's member
  # list shows it without one, and the promotion is refused.
  retry {
    attempts = 10
    delay    = "3s"
  }

  approval {
    reason = "Makes the replacement a voter once it is in sync with the leader"
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
    condition = self.quorum && self.voters == length(var.etcd_hosts) && self.learners == 0 && alltrue([for e in self.endpoints : contains(["healthy", "slow"], e.class)])
    message   = "etcd is not healthy with every member voting, from ${host.name}: ${self.reason}"
  }
}
