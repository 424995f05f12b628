package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// Host locks of the tests that run mend against local hosts or their
	// own sshd go to a directory of this process, never the tester's
	// home; each script gets its own (Setup), kept in its children.
	if os.Getenv("MEND_LOCK_DIR") == "" {
		os.Setenv("MEND_LOCK_DIR", filepath.Join(os.TempDir(), fmt.Sprintf("mend-test-hostlock-%d", os.Getpid())))
	}
	testscript.Main(m, map[string]func(){
		"mend": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scenarios in testdata/script against one real
// OpenSSH sshd on 127.0.0.1. Each script gets, in its work dir,
// inventory.mend.hcl with hosts web-1, web-2, web-3 (all that sshd, group
// "web"; vars role = "web", port = 8080 from the group over 80 from the
// defaults, index = N), the known_hosts file $KNOWN_HOSTS, and $SSH_PORT.
func TestScripts(t *testing.T) {
	srv := sshtest.Start(t, sshtest.WithConfig("MaxSessions 100"))
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SSH_PORT", strconv.Itoa(srv.Port))
			env.Setenv("KNOWN_HOSTS", srv.KnownHostsFile)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, "state"))
			env.Setenv("MEND_LOCK_DIR", filepath.Join(env.WorkDir, "hostlock")) // the hosts' lock: one sshd for all scripts
			var inv strings.Builder
			fmt.Fprintf(&inv, "defaults {\n  user          = %q\n  port          = %d\n  identity_file = %q\n  known_hosts   = %q\n  vars          = { role = \"web\", port = 80 }\n}\n\n",
				srv.User, srv.Port, srv.IdentityFile, srv.KnownHostsFile)
			fmt.Fprintf(&inv, "group \"web\" {\n  vars = { port = 8080 }\n}\n\n")
			for i := 1; i <= 3; i++ {
				fmt.Fprintf(&inv, "host \"web-%d\" {\n  address = \"127.0.0.1\"\n  groups  = [\"web\"]\n  vars    = { index = %d }\n}\n\n", i, i)
			}
			return os.WriteFile(filepath.Join(env.WorkDir, "inventory.mend.hcl"), []byte(inv.String()), 0o644)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fingerprint": cmdFingerprint,
			"tamper":      cmdTamper,
			"gone":        cmdGone,
			"runid":       cmdRunID,
			"rehead":      cmdRehead,
			"waitfile":    cmdWaitFile,
		},
	})
}

// fingerprint FILE OUT: writes FILE's sha256, mode and mtime to OUT, so a
// script can prove with cmp that plan left a file exactly as it was.
func cmdFingerprint(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: fingerprint FILE OUT")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	st, err := os.Stat(path)
	ts.Check(err)
	sum := sha256.Sum256(data)
	line := fmt.Sprintf("%s %o %d\n", hex.EncodeToString(sum[:]), st.Mode().Perm(), st.ModTime().UnixNano())
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(line), 0o644))
}

// tamper FILE edit|delete|swap|truncate|append LINE: damages an audit log the way
// an attacker or a crash would. Lines are 1-based.
func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: tamper FILE edit|delete|swap|truncate LINE")
	}
	path := ts.MkAbs(args[0])
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	data, err := os.ReadFile(path)
	ts.Check(err)
	lines := strings.SplitAfter(string(data), "\n")
	i := n - 1
	switch args[1] {
	case "edit": // change one byte inside the record's time
		l := []byte(lines[i])
		at := strings.Index(lines[i], `"time":"`) + len(`"time":"`) + 3
		if l[at] == '9' {
			l[at] = '8'
		} else {
			l[at]++
		}
		lines[i] = string(l)
	case "delete":
		lines = append(lines[:i], lines[i+1:]...)
	case "swap":
		lines[i], lines[i+1] = lines[i+1], lines[i]
	case "truncate":
		lines = append(lines[:i], lines[i][:len(lines[i])/2])
	case "append": // a record linked to the last one (seq and prev right), head left alone
		last := strings.TrimSuffix(lines[len(lines)-2], "\n")
		var rec struct {
			Seq uint64 `json:"seq"`
		}
		ts.Check(json.Unmarshal([]byte(last), &rec))
		sum := sha256.Sum256([]byte(last))
		lines[len(lines)-1] = fmt.Sprintf(`{"seq":%d,"prev":"%s","time":"2026-12-01T00:00:00Z","run_id":"forger","event":"note","reason":"all is well"}`+"\n",
			rec.Seq+1, hex.EncodeToString(sum[:]))
	case "rewrite": // change record LINE's reason, recompute every later prev and the head: a forger who can write the files
		rewriteFrom(ts, path, lines, i)
		return
	default:
		ts.Fatalf("unknown tamper %q", args[1])
	}
	ts.Check(os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600))
}

// rewriteFrom replaces record i's reason, relinks every line after it and
// writes a matching head, leaving a log that audit verify passes.
func rewriteFrom(ts *testscript.TestScript, path string, lines []string, i int) {
	var out []string
	prev := ""
	for n, l := range lines {
		l = strings.TrimSuffix(l, "\n")
		if l == "" {
			continue
		}
		if n >= i {
			var rec audit.Record
			ts.Check(json.Unmarshal([]byte(l), &rec))
			if n == i {
				rec.Reason = "all is well"
			}
			rec.Prev = prev
			b, err := json.Marshal(rec)
			ts.Check(err)
			l = string(b)
		}
		sum := sha256.Sum256([]byte(l))
		prev = hex.EncodeToString(sum[:])
		out = append(out, l+"\n")
	}
	ts.Check(os.WriteFile(path, []byte(strings.Join(out, "")), 0o600))
	ts.Check(os.WriteFile(path+".head", []byte(fmt.Sprintf(`{"seq":%d,"sha256":"%s"}`, len(out), prev)), 0o600))
	os.Remove(path + ".pending")
}

// runid LOG N NAME: sets $NAME to the id of the Nth run (1-based, in
// log order) of the audit log LOG, for audit show --run and export.
func cmdRunID(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: runid LOG N NAME")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	recs, err := audit.ReadAll(ts.MkAbs(args[0]))
	ts.Check(err)
	var ids []string
	for _, r := range recs {
		if r.Event == audit.EventRunStart {
			ids = append(ids, r.RunID)
		}
	}
	if n < 1 || n > len(ids) {
		ts.Fatalf("the log has %d runs", len(ids))
	}
	ts.Setenv(args[2], ids[n-1])
}

// rehead SEGMENT: rewrites an exported segment's header to fit its lines
// as they now are (last_sha256), as someone rewriting a segment whole
// would: the segment then verifies alone, and only the log can tell.
func cmdRehead(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: rehead SEGMENT")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var h audit.SegmentHeader
	ts.Check(json.Unmarshal([]byte(lines[0]), &h))
	sum := sha256.Sum256([]byte(lines[len(lines)-1]))
	h.LastSHA256 = hex.EncodeToString(sum[:])
	head, err := json.Marshal(h)
	ts.Check(err)
	lines[0] = string(head)
	ts.Check(os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
}

// gone PATTERN: succeeds when no process's command line matches PATTERN
// within 5 s (bounded poll), proving a timed-out remote command was killed.
func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, _ := exec.Command("pgrep", "-f", args[0]).Output()
		alive := len(strings.TrimSpace(string(out))) > 0
		if !alive {
			if neg {
				ts.Fatalf("no process matches %q", args[0])
			}
			return
		}
		if time.Now().After(deadline) {
			if !neg {
				ts.Fatalf("still running after 5s: %q (pids %s)", args[0], strings.Fields(string(out)))
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitfile FILE: waits (at most 30 s, polling) until FILE exists, e.g.
// one a background apply's repair makes when it has started.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	ts.Fatalf("%s did not appear within 30s", args[0])
}
