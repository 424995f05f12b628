package ssh

import (
	"bufio"
	"crypto/ed25519"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

var testRemote = &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 22}

// seededKey is a fixed ed25519 public key per seed, the same in every
// process.
func seededKey(t testing.TB, seed byte) ssh.PublicKey {
	priv := ed25519.NewKeyFromSeed(append(make([]byte, ed25519.SeedSize-1), seed+1))
	k, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestAcceptNewRechecksUnderLock: two dials that both loaded known_hosts
// while it had no key for the host (two mend processes, or two inventory
// names for one address). The first records its key; the second, offered
// another key, must be refused as a changed key, not appended; a third
// offered the recorded key passes.
func TestAcceptNewRechecksUnderLock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known_hosts")
	a, b := seededKey(t, 1), seededKey(t, 2)
	var checks [3]*hostKeyCheck
	for i := range checks {
		var err error
		if checks[i], err = newHostKeyCheck(file, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := checks[0].check("db.example:22", testRemote, a); err != nil || !checks[0].accepted {
		t.Fatalf("first dial: %v (accepted %v)", err, checks[0].accepted)
	}
	err := checks[1].check("db.example:22", testRemote, b)
	if steps.Classify(err) != steps.ClassHostKey || !strings.Contains(fmt.Sprint(err), "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Errorf("second dial with another key: %v, want the changed-key error", err)
	}
	if err := checks[2].check("db.example:22", testRemote, a); err != nil {
		t.Errorf("third dial with the recorded key: %v", err)
	}
	want := knownhosts.Line([]string{"db.example:22"}, a) + "\n"
	if diff := cmp.Diff(want, readString(t, file)); diff != "" {
		t.Errorf("known_hosts (-want +got):\n%s", diff)
	}
}

// TestAcceptNewAcrossProcesses: four processes, each holding a different
// key for one unknown host, load the empty known_hosts, then all record at
// once, each pausing 100 ms between its re-check and its append. The flock
// serialises them across processes: exactly one key ends up in the file
// and the other three dials are refused as changed keys.
func TestAcceptNewAcrossProcesses(t *testing.T) {
	if os.Getenv("MEND_TEST_KH_CHILD") != "" {
		acceptNewChild(t)
		return
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	const n = 4
	var outs [n]*bufio.Reader
	var ins [n]io.WriteCloser
	var cmds [n]*exec.Cmd
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptNewAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MEND_TEST_KH_CHILD="+file, "MEND_TEST_KH_SEED="+strconv.Itoa(i))
		cmd.WaitDelay = time.Second
		ins[i], _ = cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		outs[i] = bufio.NewReader(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
		timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
		defer timer.Stop()
	}
	for i := range n { // every child has loaded the empty file
		if line, err := outs[i].ReadString('\n'); line != "loaded\n" {
			t.Fatalf("child %d: %q %v", i, line, err)
		}
	}
	for i := range n {
		ins[i].Write([]byte("go\n"))
	}
	winners, refused := []int{}, 0
	for i := range n {
		line, _ := outs[i].ReadString('\n')
		cmds[i].Wait()
		switch {
		case line == "ok\n":
			winners = append(winners, i)
		case strings.Contains(line, "REMOTE HOST IDENTIFICATION HAS CHANGED"):
			refused++
		default:
			t.Errorf("child %d: %q", i, line)
		}
	}
	if len(winners) != 1 || refused != n-1 {
		t.Fatalf("%d dials recorded their key (%v), %d refused; want 1 and %d\nknown_hosts:\n%s", len(winners), winners, refused, n-1, readString(t, file))
	}
	want := knownhosts.Line([]string{"db.example:2222"}, seededKey(t, byte(winners[0]))) + "\n"
	if diff := cmp.Diff(want, readString(t, file)); diff != "" {
		t.Errorf("known_hosts (-want +got):\n%s", diff)
	}
}

// acceptNewChild is one process of TestAcceptNewAcrossProcesses: it loads
// known_hosts, says "loaded", waits for a line on stdin, then records.
func acceptNewChild(t *testing.T) {
	seed, _ := strconv.Atoi(os.Getenv("MEND_TEST_KH_SEED"))
	// Without a lock shared by the processes, every one of them would
	// re-check before any appended.
	testHookBeforeAppend = func() { time.Sleep(100 * time.Millisecond) }
	hk, err := newHostKeyCheck(os.Getenv("MEND_TEST_KH_CHILD"), true)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("loaded")
	bufio.NewReader(os.Stdin).ReadString('\n')
	if err := hk.check("db.example:2222", testRemote, seededKey(t, byte(seed))); err != nil {
		fmt.Println(strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	fmt.Println("ok")
}

// TestRecordHostKeyRefusesOddNames: only host:port addresses whose host is
// letters, digits and . _ - : % are written to known_hosts; anything that
// could read back as a pattern, a hashed entry, a marker or a second line
// is refused and the file is not created.
func TestRecordHostKeyRefusesOddNames(t *testing.T) {
	key := seededKey(t, 1)
	tests := []struct {
		addr string
		ok   bool
	}{
		{"db-1.example_x.org:22", true},
		{"10.0.0.7:2222", true},
		{"[fe80::1%eth0]:22", true},
		{"[2001:db8::1]:2222", true},
		{"|1|AAAA|BBBB:22", false},
		{"a\nb:22", false},
		{"a\x00b:22", false},
		{"a\vb:22", false},
		{"a,b:22", false},
		{"a b:22", false},
		{"@revoked:22", false},
		{"@cert-authority:22", false},
		{"*.example:22", false},
		{"!db:22", false},
		{"[x]:22]:22", false},
		{"db:0", false},
		{"db:ssh", false},
		{":22", false},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.addr), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "known_hosts")
			err := recordHostKey(file, tt.addr, testRemote, key)
			if !tt.ok {
				if steps.Classify(err) != steps.ClassHostKey || !strings.Contains(fmt.Sprint(err), "refusing to record") {
					t.Errorf("recordHostKey(%q) = %v, want a refusal", tt.addr, err)
				}
				if _, serr := os.Stat(file); !os.IsNotExist(serr) {
					t.Errorf("known_hosts written: %q", readString(t, file))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			hk, err := newHostKeyCheck(file, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := hk.check(tt.addr, testRemote, key); err != nil {
				t.Errorf("recorded line does not verify: %v\n%s", err, readString(t, file))
			}
		})
	}
}

func readString(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
