// Package puppet holds the puppet types: the repair type puppet_agent
// (Agent), which disables the agent with a reason, enables it, or runs it,
// and the diagnose type puppet_noop (Noop), which answers "would a puppet
// run change these paths back?".
//
// Both run puppet through steps.Host.Exec with a configurable command, so
// that a masterless `puppet apply` wrapper serves as well as `puppet agent
// --test`. Their output parsing follows what Puppet 7 does, as seen in the
// lab:
//
//   - With --noop, --detailed-exitcodes returns 0 even when resources are
//     out of sync, so drift is read from the "... (noop)" event lines and,
//     when summary_file is given, from last_run_summary.yaml.
//   - Facter prints "Error: Facter: ..." lines on hosts where it cannot
//     read /proc/1/environ; they are noise, and no "Error:" line by itself
//     is taken as failure: exit codes and the summary decide.
//   - A disabled agent skips noop runs too ("administratively disabled"),
//     so puppet_noop reports that as an error rather than a clean result.
package puppet
