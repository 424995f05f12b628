variable "master" {
  type = string
}

variable "pair" {
  type = object({ host = string, port = number })
}

diagnose "command" "check" {
  command = "echo ${var.mastr}" # ERROR: Reference to undeclared input variable
}

diagnose "x509_compare" "cas" {
  a = { host = var.master, path = "/a" }
  b = { host = var.pair.hots, path = "/b" } # ERROR: Unsupported attribute
}

diagnose "command" "refs" {
  on      = [var.master]
  when    = diagnose.command.nope.exit_code == 0 # ERROR: Reference to undeclared step
  command = diagnose.command.check.stdot # ERROR: Unsupported attribute
}

diagnose "command" "deep" {
  on      = var.master
  when    = diagnose.x509_compare.cas.b.pm != "" # ERROR: Unsupported attribute
  command = "${host.nme} ${diagnose.command.check.hosts["x"].stder}" # ERROR: Unsupported attribute # ERROR: Unsupported attribute
}

diagnose "command" "roots" {
  when    = local.enabled # ERROR: Reference to undeclared local value
  command = diagnose.command # ERROR: Invalid reference
}

diagnose "command" "phases" {
  command = repair.command.check.stdout # ERROR: Reference to undeclared step
  when    = diagnose.x509_compar.cas.same # ERROR: Reference to undeclared step
}

diagnose "command" "bare_var" {
  command = var # ERROR: Invalid reference
}

diagnose "command" "per_host" {
  on      = ["x"]
  command = "echo ${diagnose.command.check.hosts[host.name].stdot}" # ERROR: Unsupported attribute
}
