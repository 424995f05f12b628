diagnose "command" "token" {
  on        = ["etcd-01"]
  command   = "cat /etc/etcd/token"
  sensitive = "yes" # ERROR: Incorrect attribute value type
}

diagnose "command" "typo" {
  on      = ["etcd-01"]
  command = "true"
  plan    = "runn" # ERROR: Invalid plan value
}

diagnose "command" "not_a_word" {
  on      = ["etcd-01"]
  command = "true"
  plan    = true # ERROR: Invalid plan value
}

repair "command" "restart" {
  on      = ["etcd-01"]
  command = "systemctl restart etcd"
  plan    = "run" # ERROR: Invalid plan argument
}
