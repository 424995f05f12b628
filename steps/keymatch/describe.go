package keymatch

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which key is matched against which certificate; it never
// shows a passphrase.
func (Type) Describe(a steps.Args) steps.Description {
	other := "certificate " + a.Text("cert", "?")
	if a.Has("csr") {
		other = "certificate request " + a.Text("csr", "")
	}
	return steps.Description{Summary: "checks that the private key " + a.Text("key", "?") + " matches the " + other + " (reads the key on the host, shows only public facts)"}
}
