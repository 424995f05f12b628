package sshtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSHDPath is the sshd binary Start runs; sshd insists on an absolute path.
const SSHDPath = "/usr/sbin/sshd"

// Server is one running sshd and the files a client needs to reach it.
type Server struct {
	Addr           string        // "127.0.0.1:<port>"
	Hostname       string        // "127.0.0.1"
	Port           int           // the port sshd listens on
	User           string        // the login user: the user running the test
	IdentityFile   string        // client private key (OpenSSH format, unencrypted)
	KnownHostsFile string        // known_hosts holding HostKey for Addr
	HostKey        ssh.PublicKey // sshd's current host key
	ClientKey      ssh.Signer    // the key in IdentityFile
	Dir            string        // temp dir holding all of the above
	ConfigFile     string        // sshd_config
	LogFile        string        // sshd's log (-E), LogLevel VERBOSE

	t       testing.TB
	cmd     *exec.Cmd
	exited  chan struct{}
	hostKey string // path of the host private key
	extra   []string
	netns   string // network namespace to run sshd in, "" for the test's
}

// Option changes how Start sets the server up.
type Option func(*Server)

// WithConfig appends lines to the generated sshd_config (for example
// "ClientAliveInterval 1"). sshd uses the first value of a keyword, so
// these cannot override the built-in lines; they add to them.
func WithConfig(lines ...string) Option {
	return func(s *Server) { s.extra = append(s.extra, lines...) }
}

// Start runs a fresh sshd for t on a free 127.0.0.1 port and returns once
// it listens. t.Cleanup stops it and every process it started. It skips t
// when sshd is missing, unless $CI is set (then it fails).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	requireSSHD(t)
	dir := t.TempDir()
	s := &Server{
		t: t, Hostname: "127.0.0.1", Dir: dir, User: currentUser(t),
		IdentityFile:   filepath.Join(dir, "id_ed25519"),
		KnownHostsFile: filepath.Join(dir, "known_hosts"),
		ConfigFile:     filepath.Join(dir, "sshd_config"),
		LogFile:        filepath.Join(dir, "sshd.log"),
		hostKey:        filepath.Join(dir, "ssh_host_ed25519_key"),
	}
	for _, o := range opts {
		o(s)
	}
	s.ClientKey = writeKey(t, s.IdentityFile, "mend-test-client")
	auth := ssh.MarshalAuthorizedKey(s.ClientKey.PublicKey())
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), auth, 0o600); err != nil {
		t.Fatal(err)
	}
	s.HostKey = writeKey(t, s.hostKey, "mend-test-host").PublicKey()
	t.Cleanup(s.kill)
	s.startOnFreePort()
	WriteKnownHosts(t, s.KnownHostsFile, s.Hostname, s.Port, s.HostKey)
	return s
}

func requireSSHD(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("sshd is required in CI: %v", err)
		}
		t.Skipf("sshd not installed: %v", err)
	}
	if _, err := os.Stat("/run/sshd"); err != nil {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Skipf("sshd needs its privilege separation directory /run/sshd: %v", err)
		}
	}
}

func currentUser(t testing.TB) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// startOnFreePort picks a free port and starts sshd on it, retrying a few
// times when another process grabbed the port in between.
func (s *Server) startOnFreePort() {
	s.t.Helper()
	var err error
	for range 5 {
		s.Port = freePort(s.t)
		s.Addr = net.JoinHostPort(s.Hostname, strconv.Itoa(s.Port))
		if err = s.start(); err == nil {
			return
		}
	}
	s.t.Fatalf("sshtest: start sshd: %v", err)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *Server) writeConfig() error {
	lines := []string{
		"ListenAddress " + s.Addr,
		"HostKey " + s.hostKey,
		"PidFile " + filepath.Join(s.Dir, "sshd.pid"),
		"AuthorizedKeysFile " + filepath.Join(s.Dir, "authorized_keys"),
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"StrictModes no",
		"PrintMotd no",
		"PrintLastLog no",
		"UseDNS no",
		"LogLevel VERBOSE",
		// Each server is a host of its own: its own state dir, so the
		// host locks mend takes (package hostlock) are per server.
		"SetEnv SHLVL=1 XDG_STATE_HOME=" + filepath.Join(s.Dir, "state"),
		"MaxSessions 100",
		"MaxStartups 200:30:400",
		"Subsystem sftp /usr/lib/openssh/sftp-server",
	}
	lines = append(lines, s.extra...)
	return os.WriteFile(s.ConfigFile, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// start runs sshd on s.Port and waits (bounded) until it logs that it
// listens, or exits.
func (s *Server) start() error {
	if err := s.writeConfig(); err != nil {
		return err
	}
	before := s.logSize()
	cmd := exec.Command(SSHDPath, "-D", "-f", s.ConfigFile, "-E", s.LogFile)
	if s.netns != "" {
		cmd = exec.Command("nsenter", "--net="+s.netns, SSHDPath, "-D", "-f", s.ConfigFile, "-E", s.LogFile)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { cmd.Wait(); close(done) }(s.exited)
	want := fmt.Sprintf("Server listening on %s port %d", s.Hostname, s.Port)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.logSince(before), want) {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("sshd exited: %s", s.logSince(before))
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.kill()
	return fmt.Errorf("sshd did not listen on %s within 10s: %s", s.Addr, s.logSince(before))
}

func (s *Server) logSize() int64 {
	st, err := os.Stat(s.LogFile)
	if err != nil {
		return 0
	}
	return st.Size()
}

func (s *Server) logSince(off int64) string {
	data, err := os.ReadFile(s.LogFile)
	if err != nil || int64(len(data)) < off {
		return ""
	}
	return string(data[off:])
}

// Log returns sshd's log so far.
func (s *Server) Log() string { return s.logSince(0) }

func knownhostsLine(host string, port int, key ssh.PublicKey) string {
	addr := knownhosts.Normalize(net.JoinHostPort(host, strconv.Itoa(port)))
	return knownhosts.Line([]string{addr}, key)
}

func itoa(n int) string { return strconv.Itoa(n) }
