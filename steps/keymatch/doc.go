// Package keymatch implements the `key_match` diagnose step type (Type):
// does this private key belong to this certificate (or certificate
// request)? The private key never leaves the host: a fixed script derives
// its public key there with `openssl pkey -pubout`, and mend compares that
// public key with the certificate's. Key material is never printed,
// returned or logged; a passphrase for an encrypted key goes to openssl on
// its standard input, never on a command line.
//
//	diagnose "key_match" "apiserver" {
//	  on   = var.control_plane
//	  key  = "/etc/kubernetes/pki/apiserver.key"
//	  cert = "/etc/kubernetes/pki/apiserver.crt"   # or csr, PEM, a kubeconfig entry
//	}
//
// A key that others can read (mode o+r) is refused before it is read,
// unless allow_world_readable = true: such a key is itself the incident.
// An encrypted key without a passphrase is reported as such (verdict
// "encrypted"), not guessed at.
package keymatch
