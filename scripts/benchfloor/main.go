// Command benchfloor is the floor of scripts/bench.sh's fan-out workloads
// (issue 12): it connects to n hosts (all the same address), at most p at
// a time, and on each runs the given commands in one session, with the
// least a client can do: x/crypto/ssh with curve25519-sha256 as mend uses
// it, one public key, no wrapper, no audit log, no output kept. Compare
// mend with it in the same hyperfine run:
//
//	benchfloor -addr 127.0.0.1:2222 -user u -i id -known-hosts kh -n 50 -p 50 uptime
//	benchfloor ... -n 10 -p 10 -k 20 true   # 20 commands, one session per host
//
// It exits 1 when any host fails. It is not part of mend and has no tests.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchfloor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("benchfloor", flag.ContinueOnError)
	addr := fs.String("addr", "", "host:port of the sshd")
	user := fs.String("user", "", "login user")
	identity := fs.String("i", "", "private key file")
	known := fs.String("known-hosts", "", "known_hosts file")
	n := fs.Int("n", 1, "hosts (connections)")
	p := fs.Int("p", 1, "parallelism")
	k := fs.Int("k", 1, "times the command runs, joined in one session")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *addr == "" || *n < 1 || *p < 1 || *k < 1 {
		return errors.New("usage: benchfloor -addr HOST:PORT -user U -i KEY -known-hosts FILE [-n N] [-p P] [-k K] COMMAND")
	}
	config, err := clientConfig(*user, *identity, *known)
	if err != nil {
		return err
	}
	command := strings.Repeat(strings.Join(fs.Args(), " ")+"\n", *k)
	return fanOut(*n, *p, func() error { return runOne(*addr, config, command) })
}

// clientConfig authenticates with one key and checks the host key.
func clientConfig(user, identity, known string) (*ssh.ClientConfig, error) {
	pem, err := os.ReadFile(identity)
	if err != nil {
		return nil, err
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", identity, err)
	}
	hostKeys, err := knownhosts.New(known)
	if err != nil {
		return nil, err
	}
	return &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: hostKeys,
		Config: ssh.Config{KeyExchanges: []string{"curve25519-sha256"}},
	}, nil
}

// fanOut runs f n times, at most p at once, and returns the first error.
func fanOut(n, p int, f func() error) error {
	sem := make(chan struct{}, p)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs <- f()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// runOne connects, runs command in one session and disconnects.
func runOne(addr string, config *ssh.ClientConfig, command string) error {
	c, err := ssh.Dial("tcp", addr, config)
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	s.Stdout, s.Stderr = io.Discard, io.Discard
	return s.Run(command)
}
