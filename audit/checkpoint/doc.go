// Package checkpoint signs and checks an audit log's checkpoints: SSHSIG
// signatures (namespace "mend-audit", the format of `ssh-keygen -Y sign`)
// over a short text naming the log (the sha256 of its first line), one
// record's seq and that line's sha256, the time, and the previous
// checkpoint. They live beside the log in <log>.checkpoints, one JSON
// object per line, appended and never rewritten.
//
// A hash chain and its head file show accidents and careless edits, but
// whoever can write the log can rewrite it, recompute the chain and the
// head, and the log verifies again. A checkpoint signed with a key the
// attacker does not hold pins the log as it was: Verify checks every
// checkpoint's signature against an allowed_signers file and that the log
// still holds, on line seq, the record with that hash. So a rewrite of log
// and head is caught from the last checkpoint on; records after it are
// protected only by the chain.
//
// The entry points are Sign (`mend audit sign`) and Verify (`mend audit
// verify --allowed-signers`). Each checkpoint's message and signature can
// be written out as files that `ssh-keygen -Y verify` checks on its own
// (Checkpoint.Message, Checkpoint.Signature).
package checkpoint
