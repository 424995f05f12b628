apiserver_host   = "k8s-master-01"
apiserver_readyz = "https://127.0.0.1:6443/readyz"
etcd_hosts       = ["etcd-01", "etcd-02", "etcd-03"]
etcd_endpoints   = ["etcd-01.invalid:2379", "etcd-02.invalid:2379", "192.0.2.13:2379"]
etcd_ca_host     = "etcd-01"
