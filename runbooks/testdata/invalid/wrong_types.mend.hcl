variable "hosts" {
  type = list(string)
}

variable "count" {
  type = number
}

diagnose "command" "check" {
  on          = { a = "b" } # ERROR: Incorrect attribute value type
  when        = "maybe" # ERROR: Incorrect attribute value type
  command     = ["ls"] # ERROR: Incorrect attribute value type
  expect_exit = ["zero"] # ERROR: Incorrect attribute value type

  expect {
    condition = self.exit_code # ERROR: Incorrect attribute value type
    message   = ["not", "a", "string"] # ERROR: Incorrect attribute value type
  }
}

diagnose "command" "unknown_values" {
  when        = diagnose.command.check.exit_code # ERROR: Incorrect attribute value type
  command     = var.hosts # ERROR: Incorrect attribute value type
  expect_exit = var.count # ERROR: Incorrect attribute value type
}

diagnose "x509_compare" "cas" {
  a = { host = "h" } # ERROR: Incorrect attribute value type
  b = "b" # ERROR: Incorrect attribute value type
}

diagnose "command" "operators" {
  when    = diagnose.command.check.exit_code + "one" # ERROR: Invalid operand
  command = upper(var.hosts) # ERROR: Invalid function argument
}

diagnose "command" "functions" {
  command = uper("x") # ERROR: Call to unknown function
  on      = var.count # ERROR: Incorrect attribute value type
}

diagnose "http_check" "api" {
  url     = "https://x"
  headers = ["a"] # ERROR: Incorrect attribute value type

  match {
    status = "two hundred" # ERROR: Incorrect attribute value type
  }
}

diagnose "command" "fine" {
  on          = var.hosts
  when        = diagnose.command.check.stdout
  command     = var.count
  expect_exit = [var.count]
}
