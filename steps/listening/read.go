package listening

import (
	"context"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// script prints "L4|L6 LOCAL_ADDRESS INODE" for each listening TCP
// socket, then "P PID INODE NAME" for each descriptor of one of those
// sockets. The descriptor scan is bounded in time; output in lines.
const script = `export LC_ALL=C
{
  awk '$4 == "0A" { print "L4", $2, $10 }' /proc/net/tcp 2>/dev/null
  awk '$4 == "0A" { print "L6", $2, $10 }' /proc/net/tcp6 2>/dev/null
  timeout -s KILL 20 find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname 'socket:*' -printf 'F %h %l\n' 2>/dev/null
} | awk '
$1 == "L4" || $1 == "L6" { listen[$3] = 1; print; next }
$1 == "F" {
  ino = $3; gsub(/[^0-9]/, "", ino)
  if (!(ino in listen)) next
  split($2, part, "/"); pid = part[3]
  name = ""; f = "/proc/" pid "/comm"
  if ((getline name < f) > 0) close(f)
  print "P", pid, ino, name
}' | head -n 20000`

// socket is one listening socket and a process holding it (pid 0 when
// none is visible).
type socket struct {
	Proto   string // "tcp" or "tcp6"
	Address string
	Port    int64
	Inode   string
	PID     int64
	Process string
}

// read runs the script and joins sockets with their holders.
func read(ctx context.Context, host steps.Host) ([]socket, error) {
	r, err := hostscript.Run(ctx, host, script)
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, r.Failed("reading /proc/net/tcp")
	}
	return parse(r.Stdout), nil
}

// parse reads the script's lines; a line that does not parse is skipped.
func parse(b []byte) []socket {
	lines, _ := hostscript.Lines(b, 20000)
	var socks []socket
	holders := map[string][]socket{}
	for _, line := range lines {
		f := hostscript.Fields(line, 4)
		switch {
		case len(f) == 3 && (string(f[0]) == "L4" || string(f[0]) == "L6"):
			addr, port, ok := decodeAddr(string(f[1]))
			if ok {
				proto := map[string]string{"L4": "tcp", "L6": "tcp6"}[string(f[0])]
				socks = append(socks, socket{Proto: proto, Address: addr, Port: port, Inode: string(f[2])})
			}
		case len(f) >= 3 && string(f[0]) == "P":
			pid, err := strconv.ParseInt(string(f[1]), 10, 64)
			if err != nil {
				continue
			}
			name := ""
			if len(f) == 4 {
				name = hostscript.Text(f[3], 64)
			}
			holders[string(f[2])] = append(holders[string(f[2])], socket{PID: pid, Process: name})
		}
	}
	var out []socket
	for _, s := range socks {
		hs := holders[s.Inode]
		if len(hs) == 0 {
			out = append(out, s)
		}
		seen := map[int64]bool{}
		for _, h := range hs {
			if !seen[h.PID] {
				seen[h.PID] = true
				s.PID, s.Process = h.PID, h.Process
				out = append(out, s)
			}
		}
	}
	return out
}

// decodeAddr reads /proc/net/tcp's "0100007F:1F90": the address in host
// (little-endian) 32-bit words, the port in big-endian hex.
func decodeAddr(s string) (string, int64, bool) {
	a, p, ok := strings.Cut(s, ":")
	port, err := strconv.ParseInt(p, 16, 32)
	raw, err2 := hex.DecodeString(a)
	if !ok || err != nil || err2 != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", 0, false
	}
	for i := 0; i < len(raw); i += 4 {
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	ip, _ := netip.AddrFromSlice(raw)
	return ip.Unmap().String(), port, true
}
