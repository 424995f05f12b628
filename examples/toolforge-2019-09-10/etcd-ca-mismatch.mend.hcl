runbook {
  title       = "kube-apiserver cannot reach etcd (Toolforge, 2019-09-10)"
  description = <<-EOT
    The apiserver fails readiness with "etcd cluster is unavailable or
    misconfigured". Before anyone touches etcd membership, prove where the
    fault is: replay the apiserver's own TLS view of etcd, check etcd's
    health with generous timeouts, and compare the CA the apiserver trusts
    with the CA that signed etcd's certificates. Identity is fingerprint and
    key, not the name: both CAs may be called "Puppet CA: ...". The fix adds
    etcd's CA to the bundle puppet copies from (keeping the CA puppet itself
    needs), so puppet does not revert it, and changes nothing unless the
    apiserver's TLS view of etcd fails for exactly this reason.
  EOT
}

variable "apiserver_host" {
  type        = string
  description = "Inventory name of the control-plane host running kube-apiserver."
}

variable "apiserver_readyz" {
  type        = string
  description = "The apiserver's readiness URL, as seen from its own host."
}

variable "etcd_hosts" {
  type        = list(string)
  description = "Inventory names of the etcd members."

  validation {
    condition     = length(var.etcd_hosts) % 2 == 1
    error_message = "An etcd cluster needs an odd number of members."
  }
}

variable "etcd_endpoints" {
  type        = list(string)
  description = "etcd client endpoints (host:port) as kube-apiserver's --etcd-servers names them."
}

variable "etcd_ca_host" {
  type        = string
  description = "An etcd member whose CA file is read as the CA that signed etcd's certificates."
}

variable "etcd_ca" {
  type        = string
  default     = "/etc/etcd/ssl/ca.pem"
  description = "etcd's --trusted-ca-file on the members."
}

variable "apiserver_ca" {
  type        = string
  default     = "/var/lib/kubernetes/ssl/certs/ca.pem"
  description = "kube-apiserver's --etcd-cafile: the CA it trusts for etcd (written by puppet's k8s::ssl)."
}

variable "apiserver_cert" {
  type        = string
  default     = "/var/lib/kubernetes/ssl/certs/cert.pem"
  description = "kube-apiserver's --etcd-certfile."
}

variable "apiserver_key" {
  type        = string
  default     = "/var/lib/kubernetes/ssl/private_keys/server.key"
  description = "kube-apiserver's --etcd-keyfile."
}

variable "apiserver_log" {
  type        = string
  default     = "/var/log/kube-apiserver/current"
  description = "Where the apiserver logs its flags at start."
}

variable "apiserver_service" {
  type    = string
  default = "kube-apiserver"
}

variable "supervisor" {
  type        = string
  default     = "systemd"
  description = "What supervises the apiserver: systemd in production, runit in the lab."
}

variable "svdir" {
  type        = string
  default     = ""
  description = "runit's service directory (supervisor = runit only; empty: /etc/service)."
}

variable "puppet_ca" {
  type        = string
  default     = "/var/lib/puppet/client/ssl/certs/ca.pem"
  description = "The CA in the puppet client ssldir, which k8s::ssl copies to apiserver_ca."
}

variable "puppet_run" {
  type    = string
  default = "puppet agent --test --color=false --detailed-exitcodes"
}

variable "puppet_noop" {
  type    = string
  default = "puppet agent --test --noop --color=false"
}

variable "puppet_disable_lock" {
  type        = string
  default     = "/var/lib/puppet/state/agent_disabled.lock"
  description = "Puppet's agent_disabled_lockfile: present while someone has disabled the agent."
}

variable "puppet_summary" {
  type    = string
  default = "/var/lib/puppet/public/last_run_summary.yaml"
}

# 1. The symptom, as the apiserver reports it.
diagnose "http_check" "apiserver_ready" {
  on      = [var.apiserver_host]
  url     = var.apiserver_readyz
  timeout = "10s"
}

# 2. Which files does the running apiserver really use? It logs its flags at start.
diagnose "command" "apiserver_flags" {
  on          = [var.apiserver_host]
  command     = "grep -E 'FLAG: --etcd-(servers|cafile|certfile|keyfile)=|etcd CA loaded' ${shellquote(var.apiserver_log)} | tail -n 5"
  expect_exit = [0, 1]
  show_output = true
}

# 3. Replay the apiserver's TLS view of etcd from its own host, with exactly
#    its CA and client certificate, and ask which CA would have worked.
diagnose "tls_probe" "apiserver_to_etcd" {
  on                 = [var.apiserver_host]
  endpoints          = var.etcd_endpoints
  ca_file            = var.apiserver_ca
  cert_file          = var.apiserver_cert
  key_file           = var.apiserver_key
  timeout            = "30s"
  candidate_ca_files = [{ host = var.etcd_ca_host, path = var.etcd_ca }, var.puppet_ca]

  # One member down must not hide the CA mismatch on the others: the
  # verdict is the most telling one over all members.
  expect {
    condition = contains(["ok", "unknown_authority"], self.verdict)
    message   = "etcd is not reachable over TLS for another reason (${self.verdict} at ${self.endpoint}: ${self.error}); this runbook is about a CA mismatch: stop and escalate."
  }
}

# 4. Rule etcd out instead of blaming it: etcd_status from each member's own
#    host, TLS first, sampled with generous timeouts (etcdctl's old 1 s
#    default made a slow etcd look dead on the night). A member down is
#    noted in its class; quorum is what matters here.
diagnose "etcd_status" "etcd_health" {
  on           = var.etcd_hosts
  endpoints    = var.etcd_endpoints
  ca_file      = var.etcd_ca
  cert_file    = "/etc/etcd/ssl/server.pem"
  key_file     = "/etc/etcd/ssl/server.key"
  dial_timeout = "10s"
  call_timeout = "15s"
  timeout      = "2m"
  on_failure   = "continue" # a host that cannot be reached is noted; the others decide

  expect {
    condition = self.quorum
    message   = "etcd has no quorum as seen from ${host.name}: ${self.reason}"
  }
}

diagnose "assert" "etcd_has_quorum" {
  condition = length([for h, o in diagnose.etcd_status.etcd_health.hosts : h if try(o.quorum, false)]) * 2 > length(var.etcd_hosts)
  message   = "etcd has no quorum: this is not (only) a CA mismatch. Do not change membership without the etcd runbooks; escalate."
}

# 5. The question nobody asked until 01:02: is the CA the apiserver trusts
#    the CA that signed etcd's certificates? (Shows both fingerprints.)
diagnose "x509_compare" "trusted_vs_etcd_ca" {
  a = { host = var.apiserver_host, path = var.apiserver_ca }
  b = { host = var.etcd_ca_host, path = var.etcd_ca }
}

locals {
  trusted    = diagnose.x509_compare.trusted_vs_etcd_ca.a # the bundle the apiserver trusts
  etcd_ca    = diagnose.x509_compare.trusted_vs_etcd_ca.b # the CA that signed etcd's certificates
  etcd_ca_at = "${var.etcd_ca_host}:${var.etcd_ca}"       # how tls_probe's verified_by names it
}

# 6. The bundle puppet copies to the apiserver's CA file, by fingerprint.
diagnose "x509_inspect" "puppet_source" {
  host = var.apiserver_host
  path = var.puppet_ca
}

diagnose "file_read" "puppet_source" {
  on   = [var.apiserver_host]
  path = var.puppet_ca
}

# 7. Before changing anything: a new CA fixes this only if etcd's CA would
#    verify etcd, and the apiserver's client certificate chains to it (a
#    rotation may have reissued that too), and nobody has puppet disabled
#    (someone may be mid-fix).
diagnose "assert" "etcd_ca_would_work" {
  condition = diagnose.tls_probe.apiserver_to_etcd.verdict == "ok" || contains(diagnose.tls_probe.apiserver_to_etcd.verified_by, local.etcd_ca_at)
  message   = "etcd's CA (${local.etcd_ca_at}) does not verify etcd's certificate either: installing it would not help; escalate."
}

diagnose "x509_inspect" "apiserver_client_cert" {
  host    = var.apiserver_host
  path    = var.apiserver_cert
  ca_host = var.etcd_ca_host
  ca_path = var.etcd_ca

  expect {
    condition = self.chains_to_ca
    message   = "The apiserver's client certificate ${var.apiserver_cert} is not signed by etcd's CA (${self.chain_error}): fixing the CA alone will not make etcd accept it; escalate."
  }
}

diagnose "file_read" "puppet_lock" {
  on   = [var.apiserver_host]
  path = var.puppet_disable_lock

  expect {
    condition = !self.exists
    message   = "Puppet is disabled on ${host.name} (${trimspace(self.content)}): someone may be mid-fix. Talk to them before running this."
  }
}

# 8. The durable fix: add etcd's CA to the bundle puppet copies from (01:33
#    on the night: a fix in the copy was reverted by puppet). The CA puppet
#    itself needs stays in the bundle.
repair "file" "install_etcd_ca_at_puppet_source" {
  on      = [var.apiserver_host]
  when    = diagnose.tls_probe.apiserver_to_etcd.verdict == "unknown_authority" && !contains(diagnose.x509_inspect.puppet_source.fingerprints, local.etcd_ca.sha256_fingerprint)
  path    = var.puppet_ca
  content = "${trimspace(diagnose.file_read.puppet_source.content)}\n${local.etcd_ca.pem}"
  mode    = "0644"
  backup  = true

  approval {
    reason = "Adds etcd's CA (${diagnose.x509_compare.trusted_vs_etcd_ca.b.sha256_fingerprint}) to the bundle in the puppet client ssldir, which puppet copies to kube-apiserver's --etcd-cafile."
  }
}

# 9. Let puppet propagate it to the apiserver's CA file.
repair "puppet_agent" "propagate" {
  on      = [var.apiserver_host]
  when    = repair.file.install_etcd_ca_at_puppet_source.changed || !contains(local.trusted.fingerprints, local.etcd_ca.sha256_fingerprint)
  action  = "run"
  command = var.puppet_run
  timeout = "5m"
}

# 10. The apiserver reads its CA file only at start.
repair "service" "restart_apiserver" {
  on         = [var.apiserver_host]
  when       = repair.puppet_agent.propagate.changed || !diagnose.http_check.apiserver_ready.ok
  name       = var.apiserver_service
  supervisor = var.supervisor
  svdir      = var.svdir
  action     = "restart"
  stable_for = "5s"
  timeout    = "2m"

  approval {
    reason = "Restarts the control plane's API server."
  }
}

# 11. Verify: the apiserver's TLS view of etcd now verifies (first: if it
#     does not, waiting for readiness is pointless).
diagnose "tls_probe" "apiserver_to_etcd_after" {
  on        = [var.apiserver_host]
  endpoints = var.etcd_endpoints
  ca_file   = var.apiserver_ca
  cert_file = var.apiserver_cert
  key_file  = var.apiserver_key
  timeout   = "30s"

  # Every member that answers must verify (one may be down).
  expect {
    condition = length([for e in self.endpoints : e if !e.ok && e.verdict != "unreachable"]) == 0 && length([for e in self.endpoints : e if e.ok]) > 0
    message   = "The apiserver's CA still does not verify etcd (${self.verdict} at ${self.endpoint}): ${self.error}"
  }
}

# 12. Verify: ready, and stays ready.
diagnose "wait_until" "apiserver_ready_after" {
  on         = [var.apiserver_host]
  timeout    = "90s"
  interval   = "1s"
  stable_for = "4s"

  check "http_check" {
    url = var.apiserver_readyz
  }

  until = self.ok
}

# 13. Verify durability: a puppet run would not change the CA back.
diagnose "puppet_noop" "fix_is_durable" {
  on           = [var.apiserver_host]
  command      = var.puppet_noop
  paths        = [var.apiserver_ca, var.puppet_ca]
  summary_file = var.puppet_summary
  timeout      = "5m"

  expect {
    condition = self.clean
    message   = "Puppet would change ${join(", ", self.would_change)} back: the fix is not durable."
  }
}
