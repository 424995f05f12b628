package shell

import "strings"

// plain is the set of bytes that need no quoting in any position of a POSIX
// sh command line. It leaves out '=' (a leading NAME=value word is an
// assignment, not a command), '~' (tilde expansion), glob, brace, quote,
// expansion and separator characters, whitespace, and every non-ASCII byte.
const plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+:,./_-"

// Quote returns s as exactly one POSIX sh word whose value is s: unchanged
// when s is non-empty and made only of bytes that no shell treats specially
// (so previews of plain names such as nginx or /etc/hosts read as typed),
// else wrapped in single quotes, each embedded quote written as quote,
// backslash, quote, quote (close, escaped quote, reopen). The result is
// safe in any position, including the command word.
//
// A shell word cannot hold a NUL byte; a caller passing untrusted values
// must reject NUL before quoting (sh would cut the word short there).
func Quote(s string) string {
	if s != "" && strings.Trim(s, plain) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
