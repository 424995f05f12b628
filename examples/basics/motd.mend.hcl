runbook {
  title       = "Message of the day is stale"
  description = "A first runbook: look, then fix behind a gate, then verify."
}

variable "motd_path" {
  type        = string
  default     = "/tmp/mend-example-motd"
  description = "Where the message lives (a temp path, so the example is harmless)."
}

variable "message" {
  type    = string
  default = "Maintenance finished. Be kind to each other.\n"
}

diagnose "file_read" "motd" {
  on   = ["localhost"]
  path = var.motd_path
}

repair "file" "write_motd" {
  on      = ["localhost"]
  when    = diagnose.file_read.motd.content != var.message
  path    = var.motd_path
  content = var.message
  mode    = "0644"
  backup  = true

  approval {
    reason = "Every operator reads this at login."
  }
}

diagnose "command" "verify" {
  on      = ["localhost"]
  command = "cat ${shellquote(var.motd_path)}"

  expect {
    condition = self.stdout == var.message
    message   = "The message was not written; look at the file by hand."
  }
}
