package puppet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEvents(t *testing.T) {
	tests := []struct {
		file string
		want []event
	}{
		{"noop-drift.stdout", []event{ // real output of puppet apply 7.23 --noop
			{resource: "File[/tmp/pp/files/dst]", typ: "File", title: "/tmp/pp/files/dst", noop: true},
			{resource: "File[/tmp/pp/files/dst]", typ: "File", title: "/tmp/pp/files/dst", noop: true},
			{resource: "File[/tmp/pp/files/new]", typ: "File", title: "/tmp/pp/files/new", noop: true},
		}},
		{"defined-type.stdout", []event{
			{resource: "File[/var/lib/kubernetes/ssl/certs/ca.pem]", typ: "File", title: "/var/lib/kubernetes/ssl/certs/ca.pem", noop: true},
			{resource: "File[/var/lib/kubernetes/ssl/certs/ca.pem]", typ: "File", title: "/var/lib/kubernetes/ssl/certs/ca.pem", noop: true},
			{resource: "Service[puppet]", typ: "Service", title: "puppet", noop: true},
			{resource: "Exec[apt-get update]", typ: "Exec", title: "apt-get update", noop: true},
		}},
		{"apply-changed.stdout", []event{
			{resource: "File[/srv/lab/ca.pem]", typ: "File", title: "/srv/lab/ca.pem"},
			{resource: "File[/srv/lab/ca.pem]", typ: "File", title: "/srv/lab/ca.pem"},
		}},
		{"agent-disabled.out", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			lines, _ := splitLines(readTestdata(t, tt.file))
			if diff := cmp.Diff(tt.want, events(lines), cmp.AllowUnexported(event{})); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFacterNoiseIsDropped(t *testing.T) {
	lines, noise := splitLines(readTestdata(t, "noop-drift.stdout"), readTestdata(t, "facter-noise.stderr"))
	if noise != 3 || len(lines) != 7 {
		t.Errorf("noise %d, lines %d; want 3 noise lines dropped and 7 kept", noise, len(lines))
	}
	if errs := errorLines(lines, 10); len(errs) != 0 {
		t.Errorf("Facter noise counted as errors: %q", errs)
	}
}

func TestDisabledLine(t *testing.T) {
	lines, _ := splitLines(readTestdata(t, "agent-disabled.out"))
	line, ok := disabledLine(lines)
	if !ok || line != "Notice: Skipping run of Puppet configuration client; administratively disabled (Reason: 'mend test');" {
		t.Errorf("disabledLine = %q, %v", line, ok)
	}
}

func TestParseSummary(t *testing.T) {
	vals := parseSummary(readTestdata(t, "last_run_summary.yaml")) // real, after a --noop run with drift
	got := map[string]float64{}
	for _, k := range []string{"resources.out_of_sync", "resources.failed", "resources.total", "changes.total", "events.noop", "time.last_run"} {
		got[k] = vals[k]
	}
	want := map[string]float64{
		"resources.out_of_sync": 2, "resources.failed": 0, "resources.total": 9,
		"changes.total": 0, "events.noop": 3, "time.last_run": 1795954560,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestJudgeNoop(t *testing.T) {
	lines, _ := splitLines(readTestdata(t, "defined-type.stdout"))
	evs := events(lines)
	// file { 'etcd-ca': path => ... } is logged by title (review finding).
	named := events([]string{
		"Notice: /Stage[main]/K8s::Ssl/File[etcd-ca]/content: current_value '{md5}aaa', should be '{md5}bbb' (noop)",
		"Notice: /Stage[main]/K8s::Ssl/Service[etcd]/ensure: current_value 'stopped', should be 'running' (noop)",
		"Notice: Applied catalog in 0.02 seconds",
	})
	fresh := summary{read: true, vals: map[string]float64{"resources.out_of_sync": 3, "time.last_run": 2}}
	stale := summary{read: true, vals: map[string]float64{"resources.out_of_sync": 0, "time.last_run": 2}}
	tests := []struct {
		name   string
		paths  []string
		evs    []event
		before summary
		after  summary
		want   noopResult
	}{
		{
			name:  "watched file would change",
			paths: []string{"/var/lib/kubernetes/ssl/certs/ca.pem", "/etc/etcd/ca.pem"},
			evs:   evs, after: fresh,
			want: noopResult{wouldChange: []string{"/var/lib/kubernetes/ssl/certs/ca.pem"}, outOfSync: 3, watched: 2},
		},
		{
			name:  "watched directory holds a file that would change",
			paths: []string{"/var/lib/kubernetes/ssl/"},
			evs:   evs, after: fresh,
			want: noopResult{wouldChange: []string{"/var/lib/kubernetes/ssl/"}, outOfSync: 3, watched: 1},
		},
		{
			name:  "other resources drift, watched path clean",
			paths: []string{"/etc/etcd/ca.pem", "/var/lib/kubernetes/ssl/certs/ca"},
			evs:   evs, after: fresh,
			want: noopResult{outOfSync: 3, clean: true, watched: 2},
		},
		{
			name: "no paths: anything pending is not clean",
			evs:  evs, after: fresh,
			want: noopResult{outOfSync: 3},
		},
		{
			name:   "stale summary is not read",
			paths:  []string{"/etc/etcd/ca.pem"},
			before: stale, after: stale,
			want: noopResult{outOfSync: -1, clean: true, watched: 1},
		},
		{
			name:  "a File titled by name may be a watched path: not clean",
			paths: []string{"/var/lib/kubernetes/ssl/certs/ca.pem"},
			evs:   named, after: fresh,
			want: noopResult{unattributed: []string{"File[etcd-ca]"}, outOfSync: 3, watched: 1},
		},
		{
			name: "a File titled by name, no paths: not clean either",
			evs:  named, after: fresh,
			want: noopResult{unattributed: []string{"File[etcd-ca]"}, outOfSync: 3},
		},
		{
			name:  "summary counts drift the output does not name",
			paths: []string{"/etc/etcd/ca.pem"},
			after: fresh,
			want:  noopResult{outOfSync: 3, watched: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeNoop(tt.paths, tt.evs, tt.before, tt.after)
			got.resources = nil // covered by TestEvents
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(noopResult{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
