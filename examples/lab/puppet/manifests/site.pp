# site.pp — the lab's puppet catalog. Only the k8s master is managed, as in
# the Toolforge incident: k8s::ssl copies the puppet client certificates to
# where kube-apiserver reads them, on every run.
node 'k8s-master' {
  class { 'k8s::ssl':
    provide_private => true,
  }
}

node default {}
