runbook {
  title       = "etcd health (diagnose only)"
  description = <<-EOT
    How etcd looks from each member's own host: TLS first (a wrong CA is a
    tls_failure with x509's reason, not a timeout), then Status and a
    linearizable read per endpoint, sampled three times with generous
    timeouts so that a slow member reads as slow, not dead. Changes
    nothing: safe to run at any time, also from a pull request's dry run.
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

locals {
  endpoints = [for h in var.etcd_hosts : inventory.hosts[h].vars.etcd_client_url]
}

diagnose "etcd_status" "cluster" {
  on           = var.etcd_hosts
  endpoints    = local.endpoints
  ca_file      = var.etcd_ca
  cert_file    = var.etcd_client_cert
  key_file     = var.etcd_client_key
  dial_timeout = "10s"
  call_timeout = "15s"
  samples      = 3
  timeout      = "2m"

  expect {
    condition = self.quorum
    message   = "etcd has no quorum as seen from ${host.name}: ${self.reason}"
  }
}
