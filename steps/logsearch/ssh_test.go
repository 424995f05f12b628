package logsearch

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// base is the test logs' first minute.
var base = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

// logLines writes n lines a minute for minutes [from, to), every third an
// ENOSPC error with varying numbers, the rest info lines.
func logLines(from, to, n int) string {
	var b strings.Builder
	k := 0
	for m := from; m < to; m++ {
		for i := range n {
			at := base.Add(time.Duration(m)*time.Minute + time.Duration(i)*time.Second).Format("2006-01-02T15:04:05Z")
			if k%3 == 0 {
				fmt.Fprintf(&b, "%s app[%d]: write /data/chunk-%d failed: No space left on device (id=0x%x)\n", at, 100+k, k, 4096+k)
			} else {
				fmt.Fprintf(&b, "%s app[%d]: request %d served\n", at, 100+k, k)
			}
			k++
		}
	}
	return b.String()
}

func gzipped(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rotatedLogs writes app.log.2.gz (minutes 0-1), app.log.1 (2-3) and
// app.log (4-5) with mtimes in that order, 30 lines a minute.
func rotatedLogs(t *testing.T) string {
	dir := t.TempDir()
	files := []struct {
		name string
		data []byte
	}{
		{"app.log.2.gz", gzipped(t, logLines(0, 2, 30))},
		{"app.log.1", []byte(logLines(2, 4, 30))},
		{"app.log", []byte(logLines(4, 6, 30))},
		{"other.log", []byte(logLines(0, 6, 30))},
	}
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		mt := base.Add(time.Duration(i) * time.Hour)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFileOverSSH searches a log with rotated and gzipped siblings
// through a real sshd: counts, first and last lines, per minute, top
// messages with numbers and hex masked, and the files in order.
func TestFileOverSSH(t *testing.T) {
	dir := rotatedLogs(t)
	h := sshtest.Start(t).Host(t)
	cfg := &Config{Path: filepath.Join(dir, "app.log"), Rotated: filepath.Join(dir, "app.log.*"), Pattern: "No space left|disk full", Top: 2}
	resp, err := Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if errs := resp.Output.Type().TestConformance(Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	out := resp.Output
	// 6 minutes x 30 lines, every third matches: 60.
	got := map[string]string{
		"count": num(out.GetAttr("count")), "complete": fmt.Sprint(out.GetAttr("complete").True()),
		"first": out.GetAttr("first").GetAttr("time").AsString(), "last": out.GetAttr("last").GetAttr("time").AsString(),
		"rate": num(out.GetAttr("rate_per_minute")),
	}
	want := map[string]string{"count": "60", "complete": "true", "first": "2026-12-05T09:00:00Z", "last": "2026-12-05T09:05:27Z", "rate": "11"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var files, per, top []string
	for _, f := range out.GetAttr("files").AsValueSlice() {
		files = append(files, filepath.Base(f.AsString()))
	}
	for _, m := range out.GetAttr("per_minute").AsValueSlice() {
		per = append(per, m.GetAttr("minute").AsString()[11:16]+" "+num(m.GetAttr("count")))
	}
	for _, m := range out.GetAttr("top").AsValueSlice() {
		top = append(top, num(m.GetAttr("count"))+" "+m.GetAttr("message").AsString())
	}
	if d := cmp.Diff([]string{"app.log.2.gz", "app.log.1", "app.log"}, files); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"09:00 10", "09:01 10", "09:02 10", "09:03 10", "09:04 10", "09:05 10"}, per); d != "" {
		t.Errorf("per_minute (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"60 app[<n>]: write /data/chunk-<n> failed: No space left on device (id=<hex>)"}, top); d != "" {
		t.Errorf("top (-want +got):\n%s", d)
	}
	if !strings.HasPrefix(resp.Summary, `60 lines match "No space left|disk full", 2026-12-05T09:00:00Z to 2026-12-05T09:05:27Z`) {
		t.Errorf("Summary = %q", resp.Summary)
	}

	// A window, and a byte budget that only reaches the newest file.
	since := base.Add(3 * time.Minute).Format(time.RFC3339)
	cfg = &Config{Path: cfg.Path, Rotated: cfg.Rotated, Pattern: "No space left", Since: since}
	resp, err = Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("since: %v", err)
	}
	if num(resp.Output.GetAttr("count")) != "30" {
		t.Errorf("since %s: count %s, %v; want 30", since, num(resp.Output.GetAttr("count")), err)
	}
	size := len(logLines(4, 6, 30))
	cfg = &Config{Path: cfg.Path, Rotated: cfg.Rotated, Pattern: "No space left", MaxBytes: size}
	resp, err = Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("max_bytes: %v", err)
	}
	if num(resp.Output.GetAttr("count")) != "20" || resp.Output.GetAttr("complete").True() {
		t.Errorf("max_bytes %d: count %s complete %#v, %v; want 20 and incomplete", size, num(resp.Output.GetAttr("count")), resp.Output.GetAttr("complete"), err)
	}
	if !strings.Contains(strings.Join(resp.Details, "\n"), "read only the newest") {
		t.Errorf("details do not say the search was cut: %q", resp.Details)
	}
}

// TestJournalOverSSH searches a real journal file, written in the test
// by systemd-journal-remote from journal export format, with
// journalctl --file -u through a real sshd.
func TestJournalOverSSH(t *testing.T) {
	const remote = "/lib/systemd/systemd-journal-remote"
	if _, err := os.Stat(remote); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs %s (Debian package systemd-journal-remote): %v", remote, err)
		}
		t.Skipf("no %s to write a journal file with", remote)
	}
	var export bytes.Buffer
	for i := range 9 {
		unit, msg := "app.service", fmt.Sprintf("write chunk %d failed: No space left on device", i)
		if i%3 == 2 {
			unit, msg = "other.service", "No space left on device (other)"
		}
		fmt.Fprintf(&export, "__REALTIME_TIMESTAMP=%d\n_BOOT_ID=3f2504e04f8911d39a0c0305e82c3301\n_MACHINE_ID=3f2504e04f8911d39a0c0305e82c3301\n_HOSTNAME=h\n_SYSTEMD_UNIT=%s\nSYSLOG_IDENTIFIER=app\nMESSAGE=%s\n\n",
			base.Add(time.Duration(i)*20*time.Second).UnixMicro(), unit, msg)
	}
	journal := filepath.Join(t.TempDir(), "test.journal")
	cmd := exec.Command(remote, "-o", journal, "-")
	cmd.Stdin = &export
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("systemd-journal-remote: %v\n%s", err, out)
	}
	h := sshtest.Start(t).Host(t)
	cfg := &Config{JournalFile: journal, Unit: "app.service", Pattern: "No space left"}
	resp, err := Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	out := resp.Output
	got := []string{num(out.GetAttr("count")), out.GetAttr("first").GetAttr("time").AsString(), out.GetAttr("last").GetAttr("time").AsString(),
		out.GetAttr("top").Index(cty.NumberIntVal(0)).GetAttr("message").AsString()}
	want := []string{"6", "2026-12-05T09:00:00Z", "2026-12-05T09:02:20Z", "h app: write chunk <n> failed: No space left on device"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s\n%s\n%s", d, resp.Summary, strings.Join(resp.Details, "\n"))
	}
	_, err = Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &Config{JournalFile: journal + ".missing", Pattern: "x"}, Host: h})
	if err == nil || !strings.Contains(err.Error(), "reading the log failed") {
		t.Errorf("a missing journal file: %v", err)
	}
}

func num(v cty.Value) string { return v.AsBigFloat().Text('f', -1) }
