package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Syslog mirroring: each record, once durable in the log, is also sent as
// one syslog message to a local or remote syslog daemon (journald reads
// the local socket too), so a copy of the log lives where someone who can
// rewrite the file cannot reach it. The message is the record's exact line,
// so the copies can be chained and compared with the log line by line.
//
// The log stays the record of truth and the run never waits long on the
// mirror: messages go through a bounded queue, each write has a deadline,
// and what could not be sent is counted. Close says how many records were
// not mirrored; the caller notes that in the log itself, where an auditor
// comparing the two will look.

const (
	// syslogQueue bounds the records waiting to be sent.
	syslogQueue = 4096
	// syslogWriteTimeout bounds one write to the syslog socket.
	syslogWriteTimeout = 2 * time.Second
	// syslogMaxMessage bounds one message (a UDP datagram carries at most
	// 65,507 bytes); a longer record is sent as a stub naming its seq and
	// line hash, so the copy still shows it exists.
	syslogMaxMessage = 60000
	// SyslogDrainTimeout bounds how long Close waits for the queue.
	SyslogDrainTimeout = 5 * time.Second
	// syslogPriority is facility authpriv (10), severity info (6): where
	// syslog daemons keep security records, readable by root only.
	syslogPriority = 10*8 + 6
)

// localSyslogPaths are where the local syslog daemon listens, in the order
// Go's log/syslog tries them.
var localSyslogPaths = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// SyslogTarget is a parsed --audit-syslog value.
type SyslogTarget struct {
	Network string // "unixgram", "unix", "udp" or "tcp"
	Addr    string // socket path or host:port
	Local   bool   // the local daemon's socket: BSD format (RFC 3164), as log/syslog writes it
	Spec    string // as given, for messages
}

// ParseSyslogTarget reads a --audit-syslog value: "local" (the local
// daemon's socket, /dev/log; journald reads it too), "unix:///path" (a
// datagram or stream socket), "udp://host:port" or "tcp://host:port".
func ParseSyslogTarget(s string) (SyslogTarget, error) {
	if s == "local" {
		for _, p := range localSyslogPaths {
			if _, err := os.Stat(p); err == nil {
				return SyslogTarget{Network: "unixgram", Addr: p, Local: true, Spec: s}, nil
			}
		}
		return SyslogTarget{}, fmt.Errorf("audit syslog %q: no local syslog socket (%s)", s, strings.Join(localSyslogPaths, ", "))
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return SyslogTarget{}, fmt.Errorf("audit syslog %q: want local, unix:///path, udp://host:port or tcp://host:port", s)
	}
	switch u.Scheme {
	case "unix":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return SyslogTarget{}, fmt.Errorf("audit syslog %q: want unix:///absolute/path", s)
		}
		return SyslogTarget{Network: "unixgram", Addr: u.Path, Local: true, Spec: s}, nil
	case "udp", "tcp":
		if u.Path != "" {
			return SyslogTarget{}, fmt.Errorf("audit syslog %q: want %s://host:port, without a path", s, u.Scheme)
		}
		if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
			return SyslogTarget{}, fmt.Errorf("audit syslog %q: want %s://host:port", s, u.Scheme)
		}
		return SyslogTarget{Network: u.Scheme, Addr: u.Host, Spec: s}, nil
	}
	return SyslogTarget{}, fmt.Errorf("audit syslog %q: want local, unix:///path, udp://host:port or tcp://host:port", s)
}

// SyslogMirror sends records to a syslog daemon. Send never blocks; Close
// drains the queue (bounded by SyslogDrainTimeout) and reports losses.
type SyslogMirror struct {
	target   SyslogTarget
	hostname string
	pid      int
	queue    chan []byte
	done     chan struct{}
	dial     func() (net.Conn, error)

	mu      sync.Mutex
	conn    net.Conn
	sent    int
	lost    int
	firstLo uint64 // seq of the first record not mirrored; 0: none
	lastErr error
	closed  bool
	abort   bool // the drain timed out: lose what is left without writing
}

// DialSyslog connects to target. A target that cannot be reached when the
// run starts is an error, so a run that was asked to keep an off-machine
// copy does not start without one (UDP cannot tell: its losses are the
// daemon's).
func DialSyslog(target SyslogTarget) (*SyslogMirror, error) {
	host, _ := os.Hostname()
	m := &SyslogMirror{
		target:   target,
		hostname: strings.Map(printableASCII, host),
		pid:      os.Getpid(),
		queue:    make(chan []byte, syslogQueue),
		done:     make(chan struct{}),
	}
	m.dial = func() (net.Conn, error) {
		c, err := net.DialTimeout(target.Network, target.Addr, syslogWriteTimeout)
		if err != nil && target.Network == "unixgram" {
			c, err = net.DialTimeout("unix", target.Addr, syslogWriteTimeout)
		}
		return c, err
	}
	c, err := m.dial()
	if err != nil {
		return nil, fmt.Errorf("audit syslog %s: %w", target.Spec, err)
	}
	m.conn = c
	go m.loop()
	return m, nil
}

// Send queues the lines of a group of records just made durable (each
// ends in '\n'). When the queue is full the records are counted as lost.
// It holds mu, under which Close closes the queue: no send after that.
func (m *SyslogMirror) Send(lines []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for line := range bytes.Lines(lines) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		if m.closed {
			m.loseLocked(line, errors.New("mirror closed"))
			continue
		}
		select {
		case m.queue <- append([]byte(nil), line...):
		default:
			m.loseLocked(line, fmt.Errorf("queue of %d records full", syslogQueue))
		}
	}
}

// loop sends queued lines until the queue is closed.
func (m *SyslogMirror) loop() {
	defer close(m.done)
	for line := range m.queue {
		m.mu.Lock()
		abort := m.abort
		m.mu.Unlock()
		if abort {
			m.lose(line, fmt.Errorf("not sent within %s of the run's end", SyslogDrainTimeout))
			continue
		}
		if err := m.write(m.frame(line)); err != nil {
			m.lose(line, err)
			continue
		}
		m.mu.Lock()
		m.sent++
		m.mu.Unlock()
	}
	m.mu.Lock()
	if m.conn != nil {
		m.conn.Close()
	}
	m.mu.Unlock()
}

// write sends one message, redialling once after an error (the daemon
// restarted, a TCP connection dropped).
func (m *SyslogMirror) write(msg []byte) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		m.mu.Lock()
		c := m.conn
		m.mu.Unlock()
		if c == nil {
			if c, err = m.dial(); err != nil {
				continue
			}
			m.mu.Lock()
			m.conn = c
			m.mu.Unlock()
		}
		_ = c.SetWriteDeadline(time.Now().Add(syslogWriteTimeout))
		if _, err = c.Write(msg); err == nil {
			return nil
		}
		c.Close()
		m.mu.Lock()
		m.conn = nil
		m.mu.Unlock()
	}
	return err
}

// frame formats one message: BSD syslog (RFC 3164) on the local socket, as
// rsyslog and journald read it; RFC 5424 over the network, with octet
// counting (RFC 6587) on TCP.
func (m *SyslogMirror) frame(line []byte) []byte {
	if len(line) > syslogMaxMessage {
		line = stubLine(line)
	}
	var msg string
	if m.target.Local {
		msg = fmt.Sprintf("<%d>%s mend-audit[%d]: %s", syslogPriority, time.Now().Format(time.Stamp), m.pid, line)
	} else {
		host := m.hostname
		if host == "" {
			host = "-"
		}
		msg = fmt.Sprintf("<%d>1 %s %s mend-audit %d audit - %s", syslogPriority, time.Now().UTC().Format(time.RFC3339Nano), host, m.pid, line)
	}
	if m.target.Network == "tcp" {
		msg = strconv.Itoa(len(msg)) + " " + msg
	}
	return []byte(msg)
}

// stubLine stands for a record too long for one message: its seq, event,
// run and line hash, enough to find it in the log.
func stubLine(line []byte) []byte {
	r, err := parseLine(line)
	if err != nil {
		return []byte(fmt.Sprintf(`{"mirror":"record too long for syslog","bytes":%d,"line_sha256":%q}`, len(line), lineSHA256(line)))
	}
	return []byte(fmt.Sprintf(`{"mirror":"record too long for syslog","seq":%d,"event":%q,"run_id":%q,"bytes":%d,"line_sha256":%q}`,
		r.Seq, r.Event, r.RunID, len(line), lineSHA256(line)))
}

// lose counts a record that will not reach the daemon.
func (m *SyslogMirror) lose(line []byte, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loseLocked(line, err)
}

func (m *SyslogMirror) loseLocked(line []byte, err error) {
	m.lost++
	m.lastErr = err
	if m.firstLo == 0 {
		if r, perr := parseLine(line); perr == nil {
			m.firstLo = r.Seq
		}
	}
}

// SyslogReport says what a mirror sent and lost.
type SyslogReport struct {
	Target       string
	Sent, Lost   int
	FirstLostSeq uint64 // 0: none lost, or unknown
	Err          error  // the last error; nil when nothing was lost
}

// Close stops taking records, waits at most SyslogDrainTimeout for the
// queue to be sent, and reports. Records still queued then count as lost.
func (m *SyslogMirror) Close() SyslogReport {
	m.mu.Lock()
	if !m.closed {
		m.closed = true
		close(m.queue)
	}
	m.mu.Unlock()
	select {
	case <-m.done:
	case <-time.After(SyslogDrainTimeout):
		m.mu.Lock()
		m.abort = true
		if m.conn != nil {
			m.conn.Close() // unblocks the write; the loop then loses the rest
		}
		m.mu.Unlock()
		<-m.done
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return SyslogReport{Target: m.target.Spec, Sent: m.sent, Lost: m.lost, FirstLostSeq: m.firstLo, Err: m.lastErr}
}

// printableASCII keeps a host name inside RFC 5424's HOSTNAME alphabet.
func printableASCII(r rune) rune {
	if r > 32 && r < 127 {
		return r
	}
	return -1
}

// parseLine reads the fields of a log line the mirror names.
func parseLine(line []byte) (Record, error) {
	var r Record
	err := json.Unmarshal(line, &r)
	return r, err
}
