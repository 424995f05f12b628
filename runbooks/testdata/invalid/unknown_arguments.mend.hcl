diagnose "command" "check" {
  comand  = "true" # ERROR: Unsupported argument
  command = "true"
  whne    = true # ERROR: Unsupported argument

  retry {
    attempts = 2
    wait     = "1s" # ERROR: Unsupported argument
  }

  expect {
    condition = true
    message   = "ok"
    severity  = "high" # ERROR: Unsupported argument
  }

  approve { # ERROR: Unsupported block type
    reason = "typo of approval"
  }
}

diagnose "http_check" "api" {
  url = "https://127.0.0.1:6443/healthz"

  match {
    status = 200
    code   = 200 # ERROR: Unsupported argument
  }
}
