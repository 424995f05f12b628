package runbooks

import "testing"

// TestStageBatchesAndFailures checks batch sizes and the max_failures
// arithmetic: a percentage of serial rounds down with at least one host
// (as Ansible's serial), and max_failures is exceeded only by strictly more
// failed hosts than it allows, counted over the whole stage.
func TestStageBatchesAndFailures(t *testing.T) {
	batch := []struct {
		serial  int
		percent bool
		hosts   int
		want    int
	}{
		{0, false, 5, 5}, {1, false, 5, 1}, {2, false, 5, 2}, {9, false, 5, 5},
		{34, true, 3, 1}, {50, true, 5, 2}, {10, true, 3, 1}, {100, true, 7, 7},
	}
	for _, c := range batch {
		sg := &Stage{Serial: c.serial, SerialPercent: c.percent}
		if got := sg.BatchSize(c.hosts); got != c.want {
			t.Errorf("serial %d (percent %v) over %d hosts: batch %d, want %d", c.serial, c.percent, c.hosts, got, c.want)
		}
	}
	fail := []struct {
		max     int
		percent bool
		failed  int
		hosts   int
		want    bool
	}{
		{0, false, 1, 3, true}, {1, false, 1, 3, false}, {1, false, 2, 3, true},
		{34, true, 1, 3, false}, {33, true, 1, 3, true}, {50, true, 2, 4, false}, {50, true, 3, 4, true},
		{0, true, 1, 10, true}, {100, true, 10, 10, false},
	}
	for _, c := range fail {
		sg := &Stage{MaxFailures: c.max, MaxFailuresPercent: c.percent}
		if got := sg.TooManyFailures(c.failed, c.hosts); got != c.want {
			t.Errorf("max_failures %d (percent %v), %d of %d failed: stop %v, want %v", c.max, c.percent, c.failed, c.hosts, got, c.want)
		}
	}
}
