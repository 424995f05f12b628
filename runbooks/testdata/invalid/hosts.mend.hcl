diagnose "remote" "no_on" { # ERROR: Missing target hosts
  command = "true"
}

diagnose "remote" "with_on" {
  on      = ["web"]
  command = "true"
}
