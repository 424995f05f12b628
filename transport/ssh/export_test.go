package ssh

// SetSudoProgram makes sudo targets use program in place of sudo (a
// stand-in script: tests run as root, whom sudo -n never refuses) until
// the returned function restores it.
func SetSudoProgram(program string) (restore func()) {
	old := sudoProgram
	sudoProgram = program
	return func() { sudoProgram = old }
}
