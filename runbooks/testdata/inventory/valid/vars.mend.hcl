defaults {
  vars = {
    data_dir = "/var/lib/etcd"
    service  = "etcd"
    port     = 2379
  }
}

group "etcd" {
  vars = {
    service = "etcd-member"
    tls     = { ca = "/etc/etcd/ca.pem" }
  }
}

group "canary" {
  vars = {
    service = "etcd-canary"
  }
}

host "etcd-01" {
  address = "127.0.0.21"
  groups  = ["etcd", "canary"]
  vars = {
    member_name = "etcd-01"
    port        = 12379
  }
}

host "etcd-02" {
  address = "127.0.0.22"
  groups  = ["canary", "etcd"]
}

host "web" {
  address = "127.0.0.30"
}
