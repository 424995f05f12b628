package hostscript

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// TestRunArgumentsStayData: arguments reach the script as exact strings,
// never as shell code, and one holding a newline is refused.
func TestRunArgumentsStayData(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "pwned")
	hostile := "/tmp/x'; touch " + marker + "; echo '$(touch " + marker + ")`touch " + marker + "`"
	r, err := Run(context.Background(), local.Host{}, `IFS= read -r a; IFS= read -r b; printf '%s|%s' "$a" "$b"`, hostile, " two ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.Stdout), hostile+"| two "; got != want {
		t.Errorf("script read %q, want %q", got, want)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("an argument ran as shell code")
	}
	_, err = Run(context.Background(), local.Host{}, "true", "a\nb")
	if steps.Classify(err) != steps.ClassConfig || !strings.Contains(err.Error(), "newline") {
		t.Errorf("Run with a newline in an argument: %v (%s)", err, steps.Classify(err))
	}
}
