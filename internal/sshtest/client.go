package sshtest

import (
	"context"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// Target is the transport target for this server: its address, the test
// user and the client key. Name is "sshtest".
func (s *Server) Target() mendssh.Target {
	return mendssh.Target{
		Name: "sshtest", Address: s.Hostname, Port: s.Port, User: s.User,
		IdentityFiles: []string{s.IdentityFile},
	}
}

// Config is a transport config that checks host keys strictly against
// s.KnownHostsFile, ignores ~/.ssh/config and times out in 5 s.
func (s *Server) Config() mendssh.Config {
	return mendssh.Config{KnownHostsFile: s.KnownHostsFile, SSHConfigFile: "none", ConnectTimeout: 5 * time.Second}
}

// Pool returns a new transport pool with s.Config(), closed in t.Cleanup.
func (s *Server) Pool(t testing.TB) *mendssh.Pool {
	t.Helper()
	p := mendssh.NewPool(s.Config())
	t.Cleanup(func() { p.Close() })
	return p
}

// Host connects to the server with mend's SSH transport (strict host-key
// checking) and returns the connection as a steps.MutableHost. The
// connection is closed in t.Cleanup; a failure to connect fails t.
func (s *Server) Host(t testing.TB) steps.MutableHost {
	t.Helper()
	return s.TransportHost(t)
}

// TransportHost is Host with the concrete type, for tests of the transport.
func (s *Server) TransportHost(t testing.TB) *mendssh.Host {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := s.Pool(t).Host(ctx, s.Target())
	if err != nil {
		t.Fatalf("sshtest: connect to %s: %v\nsshd log:\n%s", s.Addr, err, s.Log())
	}
	return h
}

// SSHArgs are OpenSSH client arguments that reach this server
// non-interactively with strict host-key checking; append the command.
func (s *Server) SSHArgs() []string {
	return []string{
		"-F", "none", "-p", itoa(s.Port), "-l", s.User, "-i", s.IdentityFile,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + s.KnownHostsFile,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", s.Hostname,
	}
}
