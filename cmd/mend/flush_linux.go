package main

import "golang.org/x/sys/unix"

// flushInput discards input the terminal fd has received and nobody has
// read yet: tcflush(fd, TCIFLUSH).
func flushInput(fd int) error {
	return unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH)
}
