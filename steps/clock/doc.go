// Package clock implements the `clock` diagnose step type (Type): how far
// a host's clock is from the clock of the machine running mend, and
// whether the host says it is synchronised by NTP. Certificates "not yet
// valid" and consensus timeouts both start with a wrong clock.
//
//	diagnose "clock" "etcd" {
//	  on         = var.etcd
//	  samples    = 5       # round trips; the one with the least delay counts
//	  max_offset = "500ms" # ok is false past it (and past the error bound)
//	}
//
// The offset is measured over SSH round trips: mend notes its time
// before and after the host prints its own (date +%s.%N); the host's
// reading lies within that round trip, so the offset is the host's time
// minus the midpoint, within plus or minus half the round trip (error_ms).
// Of several samples the one with the shortest round trip is used. NTP
// state comes from chronyc (tracking) or timedatectl (show), whichever
// the host has and answers; neither answering is "unknown", not an error.
package clock
