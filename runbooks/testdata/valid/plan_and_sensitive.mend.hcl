# plan = "run" runs a read-only diagnosis in a plan even after a pending
# change; sensitive = true on any step marks all its outputs sensitive.
diagnose "command" "token" {
  on        = ["etcd-01"]
  command   = "cat /etc/etcd/token"
  sensitive = true
}

repair "file" "config" {
  on      = ["etcd-01"]
  path    = "/etc/etcd/etcd.conf"
  content = "token: ${diagnose.command.token.stdout}\n"
  mode    = "0600"
}

diagnose "command" "other_hosts" {
  on      = ["etcd-02", "etcd-03"]
  command = "systemctl is-active etcd"
  plan    = "run"
}

repair "command" "reload" {
  on        = ["etcd-01"]
  command   = "systemctl reload etcd"
  sensitive = false
  when      = repair.file.config.changed
}

diagnose "command" "after" {
  on      = ["etcd-01"]
  command = "systemctl is-active etcd"
  plan    = "auto"
}
