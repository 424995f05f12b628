//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "golang.org/x/sys/unix"

// flushInput discards input the terminal fd has received and nobody has
// read yet: tcflush(fd, TCIFLUSH), which the BSDs spell
// ioctl(fd, TIOCFLUSH, &FREAD).
func flushInput(fd int) error {
	const fread = 1 // FREAD in <sys/fcntl.h>
	return unix.IoctlSetPointerInt(fd, unix.TIOCFLUSH, fread)
}
