repair "etcd_restore" "ungated" { # ERROR: Missing approval gate
  snapshot = "/var/backups/etcd/latest.db"
  data_dir = "/var/lib/etcd-restored"
}

diagnose "command" "gated_diagnose" {
  command = "true"

  approval { # ERROR: Unexpected approval block
    reason = "Diagnoses are read-only"
  }
}

repair "etcd_restore" "empty_reason" {
  snapshot = "/s"
  data_dir = "/d"

  approval {
    reason = "  " # ERROR: Empty approval reason
  }
}

repair "etcd_restore" "computed_reason" {
  snapshot = "/s"
  data_dir = "/d"

  approval {
    reason = diagnose.command.later.stdout # ERROR: Reference to a later step
  }
}

repair "file" "gate_is_optional" {
  path    = "/etc/x"
  content = "x"

  approval {
    reason = "A file repair may carry a gate without being dangerous"
  }
}

diagnose "command" "later" {
  command = "true"
}
