// Package file implements the `file` repair, which installs a file's
// content, mode and owner atomically, and the `file_read` diagnose, which
// reports a file's content and metadata.
//
// The entry points are Repair and Read; steps/builtin lists them.
//
//	repair "file" "install_etcd_ca" {
//	  path    = "/var/lib/puppet/client/ssl/certs/ca.pem"
//	  content = diagnose.file_read.etcd_ca.content
//	  mode    = "0644"
//	  backup  = true
//	}
//
// Plan previews a file change as a unified diff, with certificates
// described by subject, issuer, SHA-256 fingerprint and expiry. Content
// holding a private key is never shown: only its digests are.
package file
