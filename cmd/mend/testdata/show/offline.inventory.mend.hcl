# Hosts no one can reach: mend show must not try.
host "k8s-master-01" {
  address = "127.0.0.1"
  port    = 1
  user    = "root"
  groups  = ["control"]
}

host "etcd-01" {
  address = "etcd-01.invalid"
  groups  = ["etcd"]
  vars    = { etcd_client_url = "https://etcd-01.invalid:2379" }
}

host "etcd-02" {
  address = "etcd-02.invalid"
  groups  = ["etcd"]
  vars    = { etcd_client_url = "https://etcd-02.invalid:2379" }
}

host "etcd-03" {
  address = "192.0.2.13"
  groups  = ["etcd"]
  vars    = { etcd_client_url = "https://192.0.2.13:2379" }
}
