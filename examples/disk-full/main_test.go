package diskfull_test

import (
	"testing"

	"github.com/mend-sh/mend/internal/disktest"
)

// TestMain lets disktest.Writer run this binary as the app's writer.
func TestMain(m *testing.M) { disktest.Main(m) }
