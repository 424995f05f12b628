variable "unit" {
  type    = string
  default = "nginx"
}

variable "units" {
  type    = list(string)
  default = ["a", "b"]
}

variable "port" {
  type    = number
  default = 80
}

variable "now" {
  type    = bool
  default = true
}

variable "restart_cmd" {
  type    = string
  default = "systemctl restart nginx"
}

variable "flags" {
  type    = string
  default = "--now --quiet"
}

locals {
  svdir     = "/etc/sv"
  unit_copy = var.unit
  quoted    = shellquote(var.unit)
  full_cmd  = "systemctl restart ${var.unit}"
}

diagnose "command" "unquoted_var" {
  on      = ["a"]
  command = "systemctl status ${var.unit}"
}

diagnose "command" "quoted" {
  on      = ["a"]
  command = "systemctl status ${shellquote(var.unit)} ${local.quoted} ${local.svdir}"
}

diagnose "command" "meant_as_shell" {
  on      = ["a"]
  command = "systemctl restart ${rawshell(var.flags)} nginx"
}

diagnose "command" "cannot_inject" {
  on      = ["a"]
  command = "curl -s localhost:${var.port}/ ${var.now ? "--fail" : ""} -m ${length(var.units)}"
}

diagnose "command" "whole_value" {
  on      = ["a"]
  command = var.restart_cmd
}

diagnose "command" "step_output" {
  on      = ["a"]
  command = "kill ${diagnose.command.unquoted_var.stdout} ${var.now ? var.unit : "x"}"
}

repair "command" "each_and_host" {
  for_each = toset(var.units)
  on       = ["a"]
  command  = "sv restart ${each.value} ${host.name}"
  unless   = "test -e /run/${each.key}"
}

repair "command" "through_locals" {
  on      = ["a"]
  command = "echo ${local.unit_copy}; ${join(" ", [for u in var.units : u])}; ${join(" ", [for u in var.units : shellquote(u)])}"
}

repair "command" "local_is_the_command" {
  on      = ["a"]
  command = local.full_cmd
}

diagnose "wait_until" "back" {
  on      = ["a"]
  timeout = "30s"

  check "command" {
    command = "systemctl is-active ${var.unit}"
  }
}

diagnose "puppet_noop" "noop" {
  on      = ["a"]
  command = "puppet agent --test --noop --server ${inventory.hosts["puppet-1"].address}"
}
