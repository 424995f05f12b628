defaults {
  user    = "root"
  passwrd = "hunter2" # ERROR: Unsupported argument
  port    = 0 # ERROR: Invalid port
}

defaults { # ERROR: Duplicate defaults block
}

host "a" {
  address = "127.0.0.1:2222" # ERROR: Invalid address
  port    = 70000 # ERROR: Invalid port
  groups  = ["etcd", "b"] # ERROR: Group name is a host name
}

host "b" {
  address        = "127.0.0.2"
  port           = "ssh" # ERROR: Incorrect attribute value type
  sudo           = "yes please" # ERROR: Incorrect attribute value type
  identity_file  = "/k1"
  identity_files = ["/k2"] # ERROR: Conflicting arguments
  groups         = "etcd" # ERROR: Incorrect attribute value type
}

host "a" { # ERROR: Duplicate host
  address = "127.0.0.3"
}

host "c" {
  address = var.x # ERROR: Variables not allowed
  groups  = [""] # ERROR: Invalid group name
}

hots "d" { # ERROR: Unsupported block type
}
