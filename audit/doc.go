// Package audit keeps mend's audit log: an append-only, hash-chained JSON
// Lines file with one Record per event (run start and end, each step's
// intent and finish on each host, approvals, accepted host keys). The entry
// points are BeginRun for a run (it opens the log, takes the run's lock and
// closes the intents of runs that died; the engine appends through the
// Run), Open and Log.Append for other writers, and Verify, ReadAll, Show
// and Unfinished for readers (`mend audit verify|show`).
//
// Each record carries seq (1, 2, 3, ...) and prev, the hex sha256 of the
// previous line's exact bytes, so editing, deleting, reordering or
// truncating lines breaks the chain where it happened and Verify names that
// record. A chain alone cannot show that its last lines were deleted, or
// that lines were added, so every append also replaces a sidecar file,
// <log>.head, holding the last seq and line hash; Verify compares it with
// the log's end. Before its lines, every append writes (and fsyncs) in
// <log>.pending the seq and hash of the last line it is about to write:
// a log that runs past its head by exactly that is a crash between lines
// and head (Open completes the head and says so in Notices; Verify warns);
// any other tail past the head was not written by mend, and Open and
// Verify refuse it.
//
// The head and pending files are an anchor against accidents and careless edits, not a
// guarantee: anyone who can write all three files can rewrite the log, recompute
// the chain and the head, and Verify will pass. Resisting that needs an
// anchor outside the attacker's reach: package audit/checkpoint signs
// checkpoints of the log with an SSH key (`mend audit sign`), which catch
// such a rewrite from the last checkpoint on; a log server or write-once
// storage does the same for the records after it.
//
// Durability and failing closed: Append writes its record with one write,
// fsyncs it, then replaces the head, before it returns; appends made at
// the same time by other goroutines (the hosts of one step) share that
// write, fsync and head update (group commit). An error from Append
// means the record is not in the log (the failed line is truncated away; the
// error says when even that failed), and the engine must not run the repair
// the record announces. A crash mid-append leaves a torn last line; Open
// then refuses the log until someone runs `mend audit repair`, which cuts
// the torn bytes only if everything before them verifies and records what
// it cut in a note. An intent without a finish is reported by Unfinished
// as "outcome unknown" rather than guessed at; BeginRun finds those of
// runs that died through their run lock files (<log>.runs/), reading the
// log only from where the oldest dead run began.
//
// Files: the log must not be a symbolic link, its directory must not be
// group- or world-writable unless sticky, and the head is replaced through
// a temporary file with a random name created exclusively, so a link
// planted in the directory cannot make mend (often root) write elsewhere.
//
// Secrets: the package writes strings as given. Callers redact commands,
// errors and output before building a Record. See DefaultPath for where the
// log lives.
//
// The package uses the standard library only.
package audit
