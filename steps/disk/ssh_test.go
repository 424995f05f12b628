package disk

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/disktest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// TestFullDiskOverSSH is the classic page, on a real 4 MiB tmpfs filled to
// 100% and read through a real sshd: the mount is full, the biggest
// entries are what is on disk (checked against a walk of the tree), and
// a 1 MiB file deleted while a process holds it open is found with its
// holder, though no directory listing shows it.
func TestFullDiskOverSSH(t *testing.T) {
	mnt := disktest.TmpFS(t, 4<<20)
	writeSize(t, filepath.Join(mnt, "app", "logs", "app.log"), 700<<10)
	writeSize(t, filepath.Join(mnt, "app", "logs", "app.log.1"), 300<<10)
	writeSize(t, filepath.Join(mnt, "app", "cache", "blob"), 200<<10)
	writeSize(t, filepath.Join(mnt, "app", "big.log"), 1<<20)
	big := filepath.Join(mnt, "app", "big.log")
	pid := disktest.Writer(t, "mendwriter", disktest.Files{Deleted: []string{big}})
	disktest.Fill(t, filepath.Join(mnt, "fill"))

	h := sshtest.Start(t).Host(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := &Config{Path: filepath.Join(mnt, "app"), Largest: mnt, Depth: 2, Top: 4, DeletedOpen: true}
	resp, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if errs := resp.Output.Type().TestConformance(Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		t.Fatal(err)
	}
	m := resp.Output.GetAttr("mount")
	got := map[string]string{}
	for _, k := range []string{"mount", "fstype", "read_only", "used_percent", "free_bytes", "size_bytes", "inodes_used"} {
		got[k] = render(m.GetAttr(k))
	}
	want := map[string]string{"mount": mnt, "fstype": "tmpfs", "read_only": "false", "used_percent": "100",
		"free_bytes": "0", "size_bytes": fmt.Sprint(int64(st.Blocks) * st.Bsize), "inodes_used": fmt.Sprint(st.Files - st.Ffree)}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mount (-want +got):\n%s", d)
	}
	if n := resp.Output.GetAttr("mounts").LengthInt(); n != 1 {
		t.Errorf("mounts has %d entries, want the one holding path", n)
	}

	var largest []string
	for _, e := range resp.Output.GetAttr("largest").AsValueSlice() {
		largest = append(largest, render(e.GetAttr("path"))+" "+render(e.GetAttr("bytes")))
	}
	wantLargest := []string{
		filepath.Join(mnt, "fill") + " " + fmt.Sprint(usage(t, filepath.Join(mnt, "fill"))),
		filepath.Join(mnt, "app") + " " + fmt.Sprint(usage(t, filepath.Join(mnt, "app"))),
		filepath.Join(mnt, "app", "logs") + " " + fmt.Sprint(usage(t, filepath.Join(mnt, "app", "logs"))),
		filepath.Join(mnt, "app", "cache") + " " + fmt.Sprint(usage(t, filepath.Join(mnt, "app", "cache"))),
	}
	if d := cmp.Diff(wantLargest, largest); d != "" {
		t.Errorf("largest (-want +got):\n%s", d)
	}
	if c := resp.Output.GetAttr("largest_complete"); !c.True() {
		t.Errorf("largest_complete = %#v, want true", c)
	}

	dels := resp.Output.GetAttr("deleted_open").AsValueSlice()
	if len(dels) != 1 {
		t.Fatalf("deleted_open = %#v, want one file", dels)
	}
	gotDel := map[string]string{}
	for k, v := range dels[0].AsValueMap() {
		gotDel[k] = render(v)
	}
	wantDel := map[string]string{"pid": fmt.Sprint(pid), "fd": fmt.Sprint(disktest.FD(pid, big+" (deleted)")), "process": "mendwriter",
		"path": filepath.Join(mnt, "app", "big.log"), "size_bytes": fmt.Sprint(1 << 20), "mount": mnt}
	if d := cmp.Diff(wantDel, gotDel); d != "" {
		t.Errorf("deleted_open[0] (-want +got):\n%s", d)
	}
	wantSummary := mnt + ": 100% used (0 B free of 4.0 MiB), inodes "
	if !strings.HasPrefix(resp.Summary, wantSummary) || !strings.HasSuffix(resp.Summary, "tmpfs rw; 1 deleted files held open (1.0 MiB)") {
		t.Errorf("Summary = %q, want %q… tmpfs rw; 1 deleted files held open (1.0 MiB)", resp.Summary, wantSummary)
	}
	t.Logf("summary: %s\n%s", resp.Summary, strings.Join(resp.Details, "\n"))
}

// TestDiskLimitsOverSSH: a scan cut by max_entries says so, a read-only
// mount reads as such, and without path every mount df lists is there.
func TestDiskLimitsOverSSH(t *testing.T) {
	mnt := disktest.TmpFS(t, 1<<20)
	for i := range 20 {
		writeSize(t, filepath.Join(mnt, "d", fmt.Sprintf("f%02d", i)), 100)
	}
	remountRO(t, mnt)
	h := sshtest.Start(t).Host(t)
	ctx := context.Background()

	resp, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Path: mnt, Largest: mnt, MaxEntries: 5}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if ro := resp.Output.GetAttr("mount").GetAttr("read_only"); !ro.True() {
		t.Errorf("read_only = %#v, want true", ro)
	}
	if c := resp.Output.GetAttr("largest_complete"); c.True() {
		t.Errorf("largest_complete = true after 5 of 21 entries")
	}
	if !strings.Contains(strings.Join(resp.Details, "\n"), "cut short at the entry limit (max_entries = 5)") {
		t.Errorf("details do not say the scan was cut: %q", resp.Details)
	}

	all, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose (all mounts): %v", err)
	}
	var mounts []string
	for _, m := range all.Output.GetAttr("mounts").AsValueSlice() {
		mounts = append(mounts, m.GetAttr("mount").AsString())
	}
	if !strings.Contains("\n"+strings.Join(mounts, "\n")+"\n", "\n"+mnt+"\n") || len(mounts) < 2 {
		t.Errorf("mounts = %q, want several including %s", mounts, mnt)
	}
}

// render is a cty value as text, for comparisons.
func render(v cty.Value) string {
	switch v.Type() {
	case cty.String:
		return v.AsString()
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case cty.Bool:
		return fmt.Sprint(v.True())
	}
	return v.GoString()
}
