package ssh

import (
	"crypto/sha1"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
)

// tokens are the values of the % tokens OpenSSH expands in IdentityFile
// and UserKnownHostsFile, for e resolved from alias.
func (e *endpoint) tokens(alias string) map[byte]string {
	local, _ := os.Hostname()
	short, _, _ := strings.Cut(local, ".")
	port := strconv.Itoa(e.Port)
	sum := sha1.Sum([]byte(local + e.Host + port + e.User))
	return map[byte]string{
		'%': "%", 'C': hex.EncodeToString(sum[:]), 'd': homeDir(), 'h': e.Host, 'i': strconv.Itoa(os.Getuid()),
		'j': "", 'k': alias, 'L': short, 'l': local, 'n': alias, 'p': port, 'r': e.User, 'u': localUser(),
	}
}

// expandPath expands a leading ~, ${VAR} environment references and %
// tokens, as OpenSSH does for file names in its config. An unknown token
// is kept as written.
func expandPath(s string, tok map[byte]string) string {
	s = expandTilde(s)
	s = expandEnv(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) {
			if v, ok := tok[s[i+1]]; ok {
				b.WriteString(v)
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// expandEnv replaces ${VAR} (only the braced form, as OpenSSH) with the
// environment variable's value.
func expandEnv(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		b.WriteString(os.Getenv(s[i+2 : i+j]))
		s = s[i+j+1:]
	}
}
