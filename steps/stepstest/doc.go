// Package stepstest is what the tests of step packages and transports
// share, so that each proves its contract in one line per case instead of
// rewriting the same checks:
//
//   - DecodeTable: a table of HCL snippets, each decoded into a step
//     type's config as the engine decodes a step's own arguments (gohcl,
//     then ValidateConfig), with the expected config or the expected
//     diagnostics ("LINE:COL: text"). Decode and MustDecode do one snippet.
//   - HostConformance: one suite of the steps.Host and steps.MutableHost
//     contract (exit codes, stdout and stderr kept apart, output caps,
//     deadlines, atomic writes, missing files, large and non-UTF-8 output),
//     run against transport/local, transport/ssh (a real sshd) and the
//     engine's test fakes, so that a new transport, or a fake, is proved to
//     behave like the others by one call.
//
// It is imported by tests only.
package stepstest
