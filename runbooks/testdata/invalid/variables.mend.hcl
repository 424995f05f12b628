variable "port" {
  type    = number
  default = "eighty" # ERROR: Invalid default value for variable
}

variable "computed" {
  type    = string
  default = var.port # ERROR: Variables not allowed
}

variable "typo_type" {
  type = strin # ERROR: Invalid type specification
}

variable "other" {
  type = string

  validation {
    condition     = var.port > 0 # ERROR: Invalid variable validation condition
    error_message = "The port must be positive."
  }
}

variable "steps" {
  type = string

  validation {
    condition     = var.steps == diagnose.command.x.stdout # ERROR: Invalid reference
    error_message = "Must match."
  }
}

variable "flag" {
  sensitive = "maybe" # ERROR: Incorrect attribute value type
}

variable "1st" { # ERROR: Invalid variable name
}

variable "typed" {
  type = number

  validation {
    condition     = var.typed # ERROR: Incorrect attribute value type
    error_message = "x"
  }
}

diagnose "command" "x" {
  command = "true"
}

diagnose "command" "bad name!" { # ERROR: Invalid step name
  command = "true"
}
