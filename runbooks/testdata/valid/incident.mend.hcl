runbook {
  title       = "kube-apiserver cannot reach etcd"
  description = "Prove CA trust before touching etcd membership."
}

variable "master" {
  type        = string
  description = "The control-plane host whose CA bundle is checked."
}

variable "etcd" {
  type    = list(string)
  default = ["etcd-01", "etcd-02", "etcd-03"]

  validation {
    condition     = length(var.etcd) % 2 == 1
    error_message = "An etcd cluster needs an odd number of members."
  }
}

variable "token" {
  type      = string
  default   = "s3cret"
  sensitive = true
}

diagnose "command" "etcd_health" {
  on          = var.etcd
  command     = "etcdctl endpoint health --cluster"
  expect_exit = [0, 1]
  timeout     = "10s"
  serial      = 1
  on_failure  = continue

  retry {
    attempts = 3
    delay    = "2s"
  }

  expect {
    condition = self.exit_code == 0 || strcontains(self.stderr, "slow")
    message   = "etcd on ${host.name} is neither healthy nor slow: ${self.stderr}"
  }
}

diagnose "x509_compare" "trusted_vs_etcd_ca" {
  a = { host = var.master, path = "/var/lib/puppet/client/ssl/certs/ca.pem" }
  b = { host = var.etcd[0], path = "/etc/etcd/ssl/ca.pem" }

  expect {
    condition = diagnose.x509_compare.trusted_vs_etcd_ca.b.pem != "" && self.b.fingerprint != ""
    message   = "etcd's CA could not be read."
  }
}

repair "file" "install_etcd_ca" {
  when    = !diagnose.x509_compare.trusted_vs_etcd_ca.same
  on      = [var.master]
  path    = "/var/lib/puppet/client/ssl/certs/ca.pem"
  content = diagnose.x509_compare.trusted_vs_etcd_ca.b.pem
  mode    = "0644"
  backup  = true

  approval {
    reason = "Replaces the CA that puppet and kube-apiserver trust"
  }
}

diagnose "command" "members" {
  on      = "etcd"
  when    = repair.file.install_etcd_ca.changed || diagnose.command.etcd_health.hosts["etcd-01"].exit_code != 0
  command = "etcdctl member list -w json --endpoints ${host.address}:2379 # ${host.name} ${join(",", host.groups)}"
}

repair "etcd_restore" "from_snapshot" {
  when     = jsondecode(diagnose.command.members.stdout).header.member_id == 0
  on       = [var.etcd[0]]
  snapshot = "/var/backups/etcd/latest.db"
  data_dir = "/var/lib/etcd-restored-${sha256(var.token)}"
  timeout  = "5m"

  approval {
    reason = "Replaces etcd's data directory; the old one is moved aside, never deleted."
  }

  expect {
    condition = self.revision > 0
    message   = "The restore reported no revision."
  }
}

diagnose "wait_until" "healthy_again" {
  on       = var.etcd
  deadline = "2m"
  until    = self.exit_code == 0 && diagnose.wait_until.healthy_again.attempts < 10

  check "command" {
    command = "etcdctl endpoint health --endpoints ${host.address}:2379"
  }
}

diagnose "http_check" "apiserver" {
  url     = "https://${var.master}:6443/healthz"
  headers = { Authorization = "Bearer ${var.token}" }
  extra   = { anything = [1, "two"] }

  match {
    status = 200
  }

  match {
    status = try(tonumber(diagnose.command.members.exit_code), 0) + 200
    body   = upper(trimspace("ok"))
  }
}
