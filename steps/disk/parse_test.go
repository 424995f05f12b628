package disk

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps/stepstest"
)

// TestParseHostile feeds the parsers what a broken or hostile host could
// print: escaped and spaced mount points, garbage lines, names with
// newlines, memfd objects, numbers that are not numbers.
func TestParseHostile(t *testing.T) {
	info := parseMountinfo([]byte("36 35 0:40 / /mnt/a\\040b rw,relatime - tmpfs x rw\n" +
		"37 35 8:1 / /srv ro,noatime - ext4 /dev/sda1 ro\nshort line\n"))
	if d := cmp.Diff(map[string]mountOpts{"/mnt/a b": {dev: "0:40"}, "/srv": {readOnly: true, dev: "8:1"}}, info, cmp.AllowUnexported(mountOpts{})); d != "" {
		t.Errorf("mountinfo (-want +got):\n%s", d)
	}
	df := "Filesystem Type Inodes IUsed IFree 1B-blocks Used Avail Mounted on\n" +
		"x tmpfs 100 10 90 4096 1024 3072 /mnt/a b\n" +
		"/dev/sda1 ext4 - - - 10 10 0 /srv\n" +
		"evil tmpfs 1 2 three 4 5 6 /bad\n" +
		"\x1b[31m\n"
	mounts, notes := parseDF([]byte(df), info)
	want := []mount{
		{Mount: "/mnt/a b", Device: "x", FSType: "tmpfs", Dev: "0:40", Inodes: 100, InodesUsed: 10, InodesFree: 90, Size: 4096, Used: 1024, Free: 3072},
		{Mount: "/srv", Device: "/dev/sda1", FSType: "ext4", ReadOnly: true, Dev: "8:1", Size: 10, Used: 10},
	}
	if d := cmp.Diff(want, mounts); d != "" {
		t.Errorf("df (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"2 df lines did not parse and were skipped"}, notes); d != "" {
		t.Errorf("notes (-want +got):\n%s", d)
	}
	if p := mounts[1].usedPercent(); p != 100 {
		t.Errorf("usedPercent of a full mount = %d", p)
	}
	if p := mounts[0].usedPercent(); p != 25 {
		t.Errorf("usedPercent = %d, want 25", p)
	}

	del := "12\t3\t100\t40\t7\tnginx\t/var/log/a.log (deleted)\n" +
		"13\t4\t5\t40\t8\tx\t/memfd:jit (deleted)\n" +
		"14\t5\t9\t40\t9\tname with\n" + "newline\t/x (deleted)\n" +
		"15\tx\t9\t40\t9\tbad\t/y (deleted)\n" +
		"17\t7\t9\t40\t9\tclosed\t\n" +
		"16\t6\t100\t40\t7\tnginx\t/var/log/a.log (deleted)\n"
	files, more := parseDeleted([]byte(del), 10)
	wantFiles := []deletedFile{
		{PID: 12, FD: 3, Size: 100, Dev: "0:40", Inode: 7, Process: "nginx", Path: "/var/log/a.log"},
		{PID: 16, FD: 6, Size: 100, Dev: "0:40", Inode: 7, Process: "nginx", Path: "/var/log/a.log"},
	}
	if d := cmp.Diff(wantFiles, files); d != "" || more {
		t.Errorf("deleted (-want +got), more %v:\n%s", more, d)
	}
	if n := heldBytes(files); n != 100 {
		t.Errorf("heldBytes = %d, want 100 (one file held twice)", n)
	}
	if got := devString(2049); got != "8:1" {
		t.Errorf("devString(2049) = %q", got)
	}
}

func TestParseScan(t *testing.T) {
	s := settings{largest: "/var", top: 2, maxEntries: 100}
	sc, err := parseScan([]byte("300 d log\n200 f log/a b\n100 f x\nmend-scan 600 7 0 0 0\n"), s)
	if err != nil {
		t.Fatal(err)
	}
	want := scan{Entries: []entry{{"/var/log", 300, true}, {"/var/log/a b", 200, false}}, Total: 600, Seen: 7,
		Note: "cut short at the entry limit (max_entries = 100): sizes are lower bounds"}
	if d := cmp.Diff(want, sc); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := parseScan([]byte("300 d log\n"), s); err == nil || !strings.Contains(err.Error(), "no summary line") {
		t.Errorf("parseScan without a summary: %v", err)
	}
}

// TestDecodeConfig: the arguments as a runbook gives them, decoded and
// validated as the engine does.
func TestDecodeConfig(t *testing.T) {
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "defaults", Type: Type{}, Src: "", Want: &Config{}},
		{Name: "all arguments", Type: Type{},
			Src:  "path = \"/var\"\nlargest = \"/var/log\"\ntop = 5\ndepth = 2\nmax_entries = 1000\nscan_timeout = \"30s\"\ndeleted_open = true\n",
			Want: &Config{Path: "/var", Largest: "/var/log", Top: 5, Depth: 2, MaxEntries: 1000, ScanTimeout: "30s", DeletedOpen: true}},
		{Name: "relative path", Type: Type{}, Src: `path = "var/log"`,
			WantDiags: refused(`path must be an absolute, clean path (like "/var/log"), got "var/log"`)},
		{Name: "unclean largest", Type: Type{}, Src: `largest = "/var/../etc"`,
			WantDiags: refused(`largest must be an absolute, clean path (like "/etc"), got "/var/../etc"`)},
		{Name: "top too big", Type: Type{}, Src: `top = 1000`, WantDiags: refused("top must be from 1 to 100, got 1000")},
		{Name: "negative depth", Type: Type{}, Src: `depth = -1`, WantDiags: refused("depth must be from 1 to 20, got -1")},
		{Name: "bad timeout", Type: Type{}, Src: `scan_timeout = "forever"`,
			WantDiags: refused(`scan_timeout must be a duration from 1s to 10m (like "20s"), got "forever"`)},
	}, stepstest.ConfigRefusals)
}
