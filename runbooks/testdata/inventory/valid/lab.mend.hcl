defaults {
  user          = "root"
  port          = 2222
  identity_file = "keys/id_ed25519"
  known_hosts   = "known_hosts"
  ssh_config    = "~/.ssh/config"
  sudo          = false
}

host "k8s-master-01" {
  address = "127.0.0.11"
  groups  = ["masters", "puppet"]
}

host "etcd-01" {
  address        = "127.0.0.21"
  port           = 22
  user           = "admin"
  identity_files = ["/etc/mend/id_a", "~/id_b"]
  groups         = ["etcd", "etcd", "puppet"]
  sudo           = true
}

host "etcd-02" {
  address = "127.0.0.22"
  groups  = ["etcd"]
}

host "bastion-alias" {
}
