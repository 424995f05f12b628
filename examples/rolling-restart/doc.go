// Package rollingrestart holds etcd-rolling-restart.mend.hcl, a stage
// that restarts a 3-member etcd one member at a time with a health gate
// between members, and its lab test.
package rollingrestart
