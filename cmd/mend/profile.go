package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfileFlag adds the hidden --cpuprofile FILE flag (or the
// MEND_CPUPROFILE environment variable): a CPU profile of the whole
// command is written to FILE, for `go tool pprof FILE` (issue 12: so the
// next person can see where time goes).
func (a *app) addProfileFlag(root *cobra.Command) {
	var path string
	root.PersistentFlags().StringVar(&path, "cpuprofile", "", "write a CPU profile to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if path == "" {
			path = os.Getenv("MEND_CPUPROFILE")
		}
		if path == "" {
			return nil
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("cpu profile: %w", err)
		}
		a.stopProfile = func() {
			pprof.StopCPUProfile()
			f.Close()
		}
		return nil
	}
}
