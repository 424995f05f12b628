package etcdtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Member is one etcd member of a test cluster.
type Member struct {
	Name           string
	ClientAddr     string // "127.0.0.1:port"
	PeerURL        string // "https://127.0.0.1:port"
	DataDir        string
	CertFile       string // peer certificate and key
	KeyFile        string
	ServeCert      string // the certificate served to clients (CertFile unless changed)
	ServeKey       string
	InitialCluster string // --initial-cluster
	State          string // --initial-cluster-state: "new" or "existing"
	Token          string // --initial-cluster-token; empty: the cluster's
	ExtraArgs      []string
	LogFile        string

	cluster *Cluster
	cmd     *exec.Cmd
	exited  chan struct{}
	paused  bool
}

// ClientURL is "https://" + ClientAddr.
func (m *Member) ClientURL() string { return "https://" + m.ClientAddr }

// Args are the etcd command-line arguments Start uses.
func (m *Member) Args() []string {
	token := m.Token
	if token == "" {
		token = m.cluster.Token
	}
	pki := m.cluster.PKI
	args := []string{
		"--name", m.Name, "--data-dir", m.DataDir,
		"--listen-client-urls", m.ClientURL(), "--advertise-client-urls", m.ClientURL(),
		"--listen-peer-urls", m.PeerURL, "--initial-advertise-peer-urls", m.PeerURL,
		"--initial-cluster", m.InitialCluster, "--initial-cluster-token", token,
		"--initial-cluster-state", m.State,
		"--cert-file", m.ServeCert, "--key-file", m.ServeKey,
		"--trusted-ca-file", pki.CAFile, "--client-cert-auth",
		"--peer-cert-file", m.CertFile, "--peer-key-file", m.KeyFile,
		"--peer-trusted-ca-file", pki.CAFile, "--peer-client-cert-auth",
		"--logger", "zap", "--log-outputs", "stderr",
	}
	args = append(args, m.cluster.extra...)
	return append(args, m.ExtraArgs...)
}

// Start starts the member's process (which must not be running) and
// kills it in t.Cleanup. It does not wait for the member to be healthy.
func (m *Member) Start(t testing.TB) {
	t.Helper()
	if m.Running() {
		t.Fatalf("etcdtest: %s is already running", m.Name)
	}
	log, err := os.OpenFile(m.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(m.cluster.Bin, m.Args()...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		t.Fatalf("etcdtest: start %s: %v", m.Name, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); log.Close(); close(exited) }()
	m.cmd, m.exited, m.paused = cmd, exited, false
	t.Cleanup(func() { m.kill(syscall.SIGKILL) })
}

// Running reports whether the member's process is alive (paused counts).
func (m *Member) Running() bool {
	if m.cmd == nil {
		return false
	}
	select {
	case <-m.exited:
		return false
	default:
		return true
	}
}

// PID is the process id, 0 when not running.
func (m *Member) PID() int {
	if !m.Running() {
		return 0
	}
	return m.cmd.Process.Pid
}

// Stop stops the member as a supervisor would (SIGTERM, then SIGKILL
// after 10 s) and waits until it has exited.
func (m *Member) Stop(t testing.TB) {
	t.Helper()
	if !m.kill(syscall.SIGTERM) {
		t.Fatalf("etcdtest: %s did not exit", m.Name)
	}
}

// Pause stops the process with SIGSTOP: it holds its sockets but answers
// nothing until Resume.
func (m *Member) Pause(t testing.TB) {
	t.Helper()
	if err := syscall.Kill(m.PID(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	m.paused = true
}

// Resume continues a paused member (SIGCONT).
func (m *Member) Resume(t testing.TB) {
	t.Helper()
	if err := syscall.Kill(m.PID(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	m.paused = false
}

// kill signals the member and waits up to 10 s (then SIGKILLs and waits
// 5 s more); it reports whether the process exited.
func (m *Member) kill(sig syscall.Signal) bool {
	if !m.Running() {
		return true
	}
	pid := m.cmd.Process.Pid
	syscall.Kill(pid, sig)
	if m.paused {
		syscall.Kill(pid, syscall.SIGCONT)
	}
	select {
	case <-m.exited:
		return true
	case <-time.After(10 * time.Second):
	}
	syscall.Kill(pid, syscall.SIGKILL)
	select {
	case <-m.exited:
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}

// ID is the member's id as it reports it in Status, or fails t.
func (m *Member) ID(t testing.TB) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := m.cluster.Client(t, m.ClientURL()).Status(ctx, m.ClientURL())
	if err != nil {
		t.Fatalf("etcdtest: status of %s: %v", m.Name, err)
	}
	return st.Header.MemberId
}

// LogTail is the last n lines of the member's log.
func (m *Member) LogTail(n int) string {
	b, _ := os.ReadFile(m.LogFile)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
