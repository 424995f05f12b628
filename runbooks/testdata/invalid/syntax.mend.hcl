diagnose "command" "check" {
  command = "true" "false" # ERROR: Missing newline after argument
}
