runbook {
  title       = "Rotate the etcd client certificate \u001b[2J"
  description = "Two people approve the saved plan; the one who applies it is not one of them."
}

variable "hosts" {
  type    = list(string)
  default = ["etcd-01", "etcd-02"]
}

variable "token" {
  type      = string
  default   = "s3cr3t-value-never-shown"
  sensitive = true
}

# Install the new certificate on each member.
repair "file" "cert" {
  for_each = toset(var.hosts)
  on       = [each.key]
  path     = "/etc/etcd/ssl/client.pem"
  content  = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
  mode     = "0644"

  approval {
    reason        = "Replaces the client certificate <b>etcd</b> | trusts"
    required      = 2
    self_approval = false
  }
}

# Tell the cluster, with a token.
repair "command" "notify" {
  on      = "etcd"
  command = "notify --token ${var.token} \u001b[31mred"
  retry {
    attempts = 3
    delay    = "2s"
  }
}
