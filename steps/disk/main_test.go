package disk

import (
	"testing"

	"github.com/mend-sh/mend/internal/disktest"
)

// TestMain lets disktest.Writer run this binary as a writer process.
func TestMain(m *testing.M) { disktest.Main(m) }
