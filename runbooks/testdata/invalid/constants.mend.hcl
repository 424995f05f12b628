variable "t" {
  type    = string
  default = "30s"
}

diagnose "command" "timeouts" {
  command = "true"
  timeout = "10 seconds" # ERROR: Invalid duration
}

diagnose "command" "negative" {
  command = "true"
  timeout = "-5s" # ERROR: Invalid duration
}

diagnose "command" "zero" {
  command = "true"
  timeout = "0s" # ERROR: Invalid duration
}

diagnose "command" "unitless" {
  command = "true"
  timeout = 30 # ERROR: Invalid duration
}

diagnose "command" "from_var" {
  command = "true"
  timeout = diagnose.command.timeouts.stdout # ERROR: Invalid reference
}

diagnose "command" "retry" {
  command = "true"

  retry {
    attempts = 0 # ERROR: Invalid number of retry attempts
    delay    = "soon" # ERROR: Invalid duration
  }
}

diagnose "command" "serial" {
  command    = "true"
  serial     = -1 # ERROR: Invalid serial value
  on_failure = "ignore" # ERROR: Invalid on_failure value
}

diagnose "command" "fractional" {
  command    = "true"
  serial     = 1.5 # ERROR: Invalid serial value
  on_failure = continu # ERROR: Invalid on_failure value
}

diagnose "command" "wrong_kinds" {
  command    = "true"
  serial     = "two" # ERROR: Incorrect attribute value type
  on_failure = ["stop"] # ERROR: Incorrect attribute value type
  timeout    = null # ERROR: Invalid value
}

runbook {
  title = var.t # ERROR: Variables not allowed
}

diagnose "command" "token" {
  on        = ["x"]
  command   = "cat /etc/token"
  sensitive = var.t # ERROR: Variables not allowed
}
