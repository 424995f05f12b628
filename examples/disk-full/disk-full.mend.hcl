runbook {
  title       = "Disk full on an application host"
  description = <<-EOT
    The first five minutes of a "disk full" page: which filesystem, how full
    in bytes and inodes, what is biggest on it, which deleted files are still
    held open (df says full, du disagrees), who writes the log and how fast
    it is failing. Then, behind a gate, empty the runaway log in place (its
    writer keeps its descriptor, so the space really comes back), keeping its
    last MiB, and check the filesystem has room again.
  EOT
}

variable "host" {
  type        = string
  default     = "app-01"
  description = "The host that paged."
}

variable "log_dir" {
  type        = string
  default     = "/var/log/app"
  description = "The application's log directory: the only place this runbook empties a file."
}

variable "log_file" {
  type        = string
  default     = "/var/log/app/app.log"
  description = "The log the application writes (rotated siblings: log_file.*)."
}

variable "writer" {
  type        = string
  default     = "app"
  description = "The process name of the service writing the log."
}

variable "full_percent" {
  type        = number
  default     = 95
  description = "Used space at which the filesystem counts as full."
}

diagnose "disk" "log_mount" {
  on           = var.host
  path         = var.log_dir
  deleted_open = true
}

diagnose "disk" "biggest" {
  on      = var.host
  path    = var.log_dir
  largest = diagnose.disk.log_mount.mount.mount
  depth   = 3
  top     = 8
}

diagnose "process" "writer" {
  on   = var.host
  name = var.writer
}

diagnose "log_search" "enospc" {
  on      = var.host
  path    = var.log_file
  rotated = "${var.log_file}.*"
  pattern = "No space left on device|ENOSPC"
  since   = "1h"
  top     = 3
}

repair "file_truncate" "app_log" {
  on               = var.host
  when             = diagnose.disk.log_mount.mount.used_percent >= var.full_percent
  path             = var.log_file
  allowed_prefixes = [var.log_dir]
  keep_tail_bytes  = 1048576
  approval {
    reason = "Empties the application log in place (its last MiB is kept beside it); the writer keeps its descriptor, so the space comes back without a restart."
  }
}

diagnose "disk" "after" {
  on   = var.host
  path = var.log_dir
  expect {
    condition = self.mount.used_percent < var.full_percent
    message   = "Still full after emptying the log: look at the deleted-but-open files and the largest entries above (restarting their holder frees deleted files)."
  }
}
