package audit

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseSyslogTarget(t *testing.T) {
	for _, tc := range []struct {
		in, network, addr string
		local             bool
	}{
		{"udp://127.0.0.1:514", "udp", "127.0.0.1:514", false},
		{"tcp://[::1]:6514", "tcp", "[::1]:6514", false},
		{"unix:///run/systemd/journal/syslog", "unixgram", "/run/systemd/journal/syslog", true},
	} {
		got, err := ParseSyslogTarget(tc.in)
		if err != nil || got.Network != tc.network || got.Addr != tc.addr || got.Local != tc.local {
			t.Errorf("ParseSyslogTarget(%q) = %+v, %v", tc.in, got, err)
		}
	}
	for _, in := range []string{"", "syslog", "udp://127.0.0.1", "udp://127.0.0.1:514/x", "http://h:1",
		"unix://relative/path", "unix:relative", "tcp://u@h:1", "udp://h:1?x=1", "127.0.0.1:514"} {
		if got, err := ParseSyslogTarget(in); err == nil {
			t.Errorf("ParseSyslogTarget(%q) = %+v, want an error", in, got)
		}
	}
}

// syslogPayload matches RFC 5424 as the mirror writes it over the network.
var syslogPayload = regexp.MustCompile(`^<86>1 \S+ \S+ mend-audit \d+ audit - (.*)$`)

// localPayload matches BSD syslog as the mirror writes it to a local socket.
var localPayload = regexp.MustCompile(`^<86>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d mend-audit\[\d+\]: (.*)$`)

// mirroredRun runs BeginRun with m, appends n step records and a big one,
// ends the run and returns the log's lines.
func mirroredRun(t *testing.T, m *SyslogMirror, n int) [][]byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	run, err := BeginRun(context.Background(), path, RunOptions{Syslog: m})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{{RunID: run.ID(), Event: EventRunStart, Mode: ModeApply}}
	for i := 0; i < n; i++ {
		recs = append(recs, Record{RunID: run.ID(), Event: EventStepStart, Step: "repair.command.x", Host: fmt.Sprintf("h%d", i)})
	}
	for _, r := range recs {
		if _, err := run.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	big := Record{RunID: run.ID(), Event: EventNote, Reason: strings.Repeat("x", 70000)}
	if _, err := run.Append(big); err != nil {
		t.Fatal(err)
	}
	if rep := run.CloseSyslog(); rep.Lost != 0 || rep.Sent != n+2 {
		t.Errorf("report %+v, want %d sent and none lost", rep, n+2)
	}
	if err := run.End(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

// checkMirrored compares what the daemon got with the log's lines: each
// line once, in order, the big one as a stub naming its hash.
func checkMirrored(t *testing.T, lines [][]byte, got []string, re *regexp.Regexp) {
	t.Helper()
	if len(got) != len(lines) {
		t.Fatalf("syslog got %d messages, the log has %d lines:\n%s", len(got), len(lines), strings.Join(got, "\n"))
	}
	for i, msg := range got {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("message %d is not in the expected syslog format: %.200q", i, msg)
		}
		if len(lines[i]) > syslogMaxMessage {
			if !strings.Contains(m[1], `"line_sha256":"`+lineSHA256(lines[i])+`"`) || !strings.Contains(m[1], `"seq":`+strconv.Itoa(i+1)) {
				t.Errorf("message %d for a %d-byte record: %.300s, want a stub with seq and line hash", i, len(lines[i]), m[1])
			}
			continue
		}
		if m[1] != string(lines[i]) {
			t.Errorf("message %d:\n got %.200s\nwant %.200s", i, m[1], lines[i])
		}
	}
}

func TestSyslogMirrorUDP(t *testing.T) {
	addr, got := listenPacket(t, "udp", "127.0.0.1:0")
	m := dialTarget(t, "udp://"+addr)
	lines := mirroredRun(t, m, 5)
	checkMirrored(t, lines, collect(t, got, len(lines)), syslogPayload)
}

func TestSyslogMirrorTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 100)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for { // octet counting: "LEN SP MSG"
			l, err := r.ReadString(' ')
			if err != nil {
				return
			}
			n, err := strconv.Atoi(strings.TrimSpace(l))
			if err != nil || n <= 0 || n > 1<<20 {
				got <- "bad frame length " + l
				return
			}
			msg := make([]byte, n)
			if _, err := io.ReadFull(r, msg); err != nil {
				return
			}
			got <- string(msg)
		}
	}()
	m := dialTarget(t, "tcp://"+ln.Addr().String())
	lines := mirroredRun(t, m, 5)
	checkMirrored(t, lines, collect(t, got, len(lines)), syslogPayload)
}

func TestSyslogMirrorLocalSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	_, got := listenPacket(t, "unixgram", sock)
	m := dialTarget(t, "unix://"+sock)
	lines := mirroredRun(t, m, 3)
	checkMirrored(t, lines, collect(t, got, len(lines)), localPayload)
}

// TestSyslogMirrorLoss: the daemon goes away mid-run. The run goes on, the
// report counts what was lost, and the log notes the gap and verifies.
func TestSyslogMirrorLoss(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	m := dialTarget(t, "tcp://"+addr)
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	ln.Close() // nothing listens any more: writes fail, the redial is refused

	path := filepath.Join(t.TempDir(), "audit.jsonl")
	run, err := BeginRun(context.Background(), path, RunOptions{Syslog: m})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := run.Append(Record{RunID: run.ID(), Event: EventStepStart, Step: "repair.command.x", Host: fmt.Sprintf("h%d", i)}); err != nil {
			t.Fatalf("append %d with the daemon gone: %v", i, err)
		}
	}
	rep := run.CloseSyslog()
	if rep.Lost == 0 || rep.Sent+rep.Lost != 20 || rep.Err == nil {
		t.Fatalf("report %+v, want records lost with an error", rep)
	}
	if err := run.End(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if last.Event != EventNote || !strings.Contains(last.Reason, fmt.Sprintf("%d audit record(s) not mirrored to syslog tcp://%s", rep.Lost, addr)) {
		t.Errorf("last record %+v, want a note of the gap", last)
	}
	if _, err := Verify(path); err != nil {
		t.Errorf("verify after a lost mirror: %v", err)
	}
}

func TestSyslogUnreachableRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	target, err := ParseSyslogTarget("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := DialSyslog(target); err == nil {
		m.Close()
		t.Fatal("DialSyslog to a closed port succeeded")
	}
	missing, _ := ParseSyslogTarget("unix://" + filepath.Join(t.TempDir(), "none"))
	if m, err := DialSyslog(missing); err == nil {
		m.Close()
		t.Fatal("DialSyslog to a missing socket succeeded")
	}
}

func dialTarget(t *testing.T, spec string) *SyslogMirror {
	t.Helper()
	target, err := ParseSyslogTarget(spec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := DialSyslog(target)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// collect waits (at most 10 s) for n messages.
func collect(t *testing.T, ch <-chan string, n int) []string {
	t.Helper()
	var got []string
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case m := <-ch:
			got = append(got, m)
		case <-deadline:
			return got
		}
	}
	select { // nothing more than the log's lines
	case m := <-ch:
		got = append(got, m)
	case <-time.After(200 * time.Millisecond):
	}
	return got
}

// listenPacket is a syslog daemon on a datagram socket: each message read
// goes to the channel. It is closed when t ends.
func listenPacket(t *testing.T, network, addr string) (string, <-chan string) {
	t.Helper()
	pc, err := net.ListenPacket(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 70000)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return pc.LocalAddr().String(), got
}
