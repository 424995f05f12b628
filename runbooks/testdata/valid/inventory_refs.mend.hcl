# The inventory in expressions: host.vars (vars = {} on defaults, groups
# and hosts), inventory.hosts["name"] and inventory.groups["name"].
diagnose "command" "member" {
  on      = inventory.groups["etcd"]
  command = "systemctl is-active ${shellquote(host.vars.service)} && ls ${shellquote(host.vars.data_dir)}"
}

diagnose "command" "peer" {
  on      = ["etcd-01"]
  command = "curl -sf https://${inventory.hosts["etcd-02"].address}:2380/health"
  when    = length(inventory.groups["etcd"]) > 1 && contains(inventory.hosts["etcd-02"].groups, "etcd")
}
