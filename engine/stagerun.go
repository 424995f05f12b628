package engine

// BatchStatus is how one batch of a stage went.
type BatchStatus string

// Batch statuses.
const (
	BatchDone    BatchStatus = "done"    // apply: every step ran on the batch and its checks passed
	BatchPlanned BatchStatus = "planned" // plan: the batch's steps were previewed
	BatchFailed  BatchStatus = "failed"  // a host failed, a gate was refused, or the between_batches checks after it failed
	BatchNotRun  BatchStatus = "not-run" // the roll stopped before this batch
)

// StageRun is one stage of a Run: its settings and its batches.
type StageRun struct {
	Name string `json:"name"`
	Line int    `json:"line"`
	// Settings is the stage's serial, max_failures and barrier in words.
	Settings       string   `json:"settings"`
	Steps          []string `json:"steps"`
	BetweenBatches []string `json:"between_batches,omitempty"`
	// Skipped lists the hosts the stage's when excluded.
	Skipped []string    `json:"skipped_hosts,omitempty"`
	Batches []*BatchRun `json:"batches"`
	// Stopped says why the roll stopped, when it did; the batches say
	// which are done and which are not.
	Stopped string `json:"stopped,omitempty"`
}

// BatchRun is one batch of a stage.
type BatchRun struct {
	Number int         `json:"number"` // from 1
	Hosts  []string    `json:"hosts"`
	Status BatchStatus `json:"status"`
	Reason string      `json:"reason,omitempty"`
}

// Stage returns the run's stage named name, or nil.
func (r *Run) Stage(name string) *StageRun {
	for _, s := range r.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}
