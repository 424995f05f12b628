runbook {
  title  = "Unknown blocks and arguments"
  author = "someone" # ERROR: Unsupported argument
}

step "command" "check" { # ERROR: Unsupported block type
  command = "true"
}

diagnos "command" "check" { # ERROR: Unsupported block type
  command = "true"
}

name = "top-level argument" # ERROR: Unsupported argument

diagnose "command" { # ERROR: Missing name for diagnose
  command = "true"
}
