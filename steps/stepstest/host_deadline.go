package stepstest

import (
	"context"
	"errors"
	"path"
	"strconv"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// deadlineSuite: when ctx is done the command's whole process group is
// killed (a background child too, one that ignores SIGTERM included), the
// error has class timeout or canceled, and a ctx done before the call
// runs nothing.
func deadlineSuite(t *testing.T, s Subject) {
	check := s.KillCheck
	if check == 0 {
		check = 8 * time.Second
	}
	tests := []struct {
		name      string
		prefix    string // before the command: a trap
		cancel    bool   // cancel instead of a deadline
		wantClass steps.ErrorClass
	}{
		{"deadline", "", false, steps.ClassTimeout},
		{"cancel", "", true, steps.ClassCanceled},
		{"child ignores SIGTERM", "trap '' TERM; ", false, steps.ClassTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, dir := s.Host(t), s.Dir(t)
			late := path.Join(dir, "late")
			// The child writes late after check/2 unless it is killed.
			cmd := tt.prefix + "(sleep " + seconds(check/2) + "; echo late > " + q(late) + ") & sleep 60; echo finished"
			ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
			if tt.cancel {
				ctx, cancel = context.WithCancel(context.Background())
				time.AfterFunc(400*time.Millisecond, cancel)
			}
			defer cancel()
			start := time.Now()
			res, err := h.Exec(ctx, steps.ExecRequest{Command: cmd})
			elapsed := time.Since(start)
			if got := steps.Classify(err); got != tt.wantClass {
				t.Fatalf("Exec = %q, %v (class %q); want class %q", res.Stdout, err, got, tt.wantClass)
			}
			if elapsed > check/2 {
				t.Errorf("Exec returned %v after it was started; the deadline was 400ms", elapsed)
			}
			time.Sleep(time.Until(start.Add(check)))
			f, err := h.ReadFile(testCtx(t, 30*time.Second), late)
			if err != nil || f.Exists {
				t.Errorf("the background child was not killed: %s exists %v (%v)", late, f.Exists, err)
			}
		})
	}
	t.Run("done context runs nothing", func(t *testing.T) {
		t.Parallel()
		h, dir := s.Host(t), s.Dir(t)
		ran := path.Join(dir, "ran")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := h.Exec(ctx, steps.ExecRequest{Command: "touch " + q(ran)}); !errors.Is(err, context.Canceled) || steps.Classify(err) != steps.ClassCanceled {
			t.Errorf("Exec with a done ctx: %v (class %q), want context.Canceled (class canceled)", err, steps.Classify(err))
		}
		if f, err := h.ReadFile(testCtx(t, 30*time.Second), ran); err != nil || f.Exists {
			t.Errorf("the command ran although ctx was done: %s exists %v (%v)", ran, f.Exists, err)
		}
		if _, err := h.ReadFile(ctx, ran); !errors.Is(err, context.Canceled) {
			t.Errorf("ReadFile with a done ctx: %v, want context.Canceled", err)
		}
	})
}

// seconds is d as an argument of sleep(1).
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }
