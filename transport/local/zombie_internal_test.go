package local

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A process group whose only member has exited but is not reaped yet (a
// zombie: here our own child, not waited for; on a host whose PID 1 does
// not reap, any orphan) has nothing left to kill: Exec must not wait out
// the kill grace for it. kill(-pgid, 0) alone still succeeds on it.
func TestGroupAliveIgnoresZombies(t *testing.T) {
	cmd := exec.Command(Shell, "-c", "exit 0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for !isZombie(pid) {
		if time.Now().After(deadline) {
			t.Fatal("the child did not exit in 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if syscall.Kill(-pid, 0) != nil {
		t.Fatal("kill(2) does not see the zombie's group: the test proves nothing here")
	}
	if groupAlive(pid) {
		t.Error("a group holding only a zombie counts as alive")
	}

	live := exec.Command("sleep", "30")
	live.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = live.Process.Kill(); _ = live.Wait() }()
	if !groupAlive(live.Process.Pid) {
		t.Error("a group with a sleeping process counts as gone")
	}
}

// isZombie reads the process state from /proc/PID/stat.
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}
