package engine

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/mend-sh/mend/transport/local"
)

// TestHostWrappersConform: the handles the engine gives steps (readOnly
// for diagnoses and previews, recordingHost for repairs) keep the host
// contract of what they wrap. The engine's tests run steps on the local
// host (localConnector), which transport/local proves with the same suite.
func TestHostWrappersConform(t *testing.T) {
	dir := func(t *testing.T) string { return t.TempDir() }
	t.Run("readOnly", func(t *testing.T) {
		stepstest.HostConformance(t, stepstest.Subject{
			Host: func(t *testing.T) steps.Host { return readOnly{local.Host{Name: "a"}} },
			Dir:  dir,
		})
	})
	t.Run("recordingHost", func(t *testing.T) {
		stepstest.HostConformance(t, stepstest.Subject{
			Host: func(t *testing.T) steps.Host { return recordingHost{local.Host{Name: "a"}, &evidence{}} },
			Dir:  dir,
		})
	})
}
