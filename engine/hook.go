package engine

// Hook receives progress while a run goes on. Views use it to show live
// progress (the final *Run is returned anyway). Calls come from the
// engine's goroutines: HostDone may be called concurrently for different
// hosts of one step. Implementations must not block for long.
type Hook interface {
	StepStart(s *StepRun)
	HostDone(s *StepRun, h *HostRun)
	StepDone(s *StepRun)
}

// NopHook ignores everything; embed it to implement only some methods.
type NopHook struct{}

func (NopHook) StepStart(*StepRun)          {}
func (NopHook) HostDone(*StepRun, *HostRun) {}
func (NopHook) StepDone(*StepRun)           {}
