diagnose "comand" "typo" { # ERROR: Unknown step type
  command = "true"
}

diagnose "file" "wrong_phase" { # ERROR: Unknown step type
  path    = "/etc/x"
  content = "x"
}

repair "x509_compare" "wrong_phase" { # ERROR: Unknown step type
  a = { host = "h", path = "/a" }
}

repair "nothing_like_it" "x" { # ERROR: Unknown step type
  when = var.undeclared # ERROR: Reference to undeclared input variable
}

diagnose "command" "uses_unknown" {
  command = diagnose.comand.typo.stdout
}
