// Package steps is the contract between the engine and step types.
//
// A step type is a value implementing Diagnoser (read-only, runs during plan
// and apply) or Repairer (changes hosts: Plan previews, Apply changes). Step
// types never see HCL evaluation: the engine decodes each block's own
// arguments into the struct returned by NewConfig (gohcl tags) and hands it
// over in a request. Hosts are reached through the Host and MutableHost
// interfaces; plan only ever hands out a Host, so a preview cannot write.
//
// The one explicit list of built-in step types is in steps/builtin.
package steps
