defaults {
  vars = "etcd" # ERROR: Invalid vars
}

group "etcd" {
  vars = { data_dir = var.dir } # ERROR: Variables not allowed
}

group "etcd" { # ERROR: Duplicate group block
}

group "ectd" { # ERROR: Unknown group
  vars = { x = 1 }
}

group "etcd-01" { # ERROR: Group name is a host name # ERROR: Unknown group
}

host "etcd-01" {
  groups = ["etcd"]
  vars   = ["member"] # ERROR: Invalid vars
  colour = "red" # ERROR: Unsupported argument
}
