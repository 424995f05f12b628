host "a" {
  port = = 22 # ERROR: Invalid expression
}
