package x509step

import "github.com/mend-sh/mend/steps"

var (
	_ steps.Describer = Compare{}
	_ steps.Describer = Inspect{}
)

// Describe says which two certificates are compared, and by what.
func (Compare) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "compares the certificates " + a.Text("a", "?") + " and " + a.Text("b", "?") +
		" by fingerprint and public key, not by name"}
}

// Describe says which certificate is read, and what it is checked against.
func (Inspect) Describe(a steps.Args) steps.Description {
	var what string
	switch {
	case a.Has("kubeconfig"):
		what = "the certificates in kubeconfig " + a.Text("kubeconfig", "")
	case a.Has("pem"):
		what = "the certificates given as pem"
	default:
		what = a.Text("path", "?")
	}
	if a.Has("host") {
		what += " on " + a.Text("host", "")
	}
	d := steps.Description{Summary: "reads " + what + ": subject, issuer, fingerprints, expiry"}
	if a.Has("ca_path") {
		ca := a.Text("ca_path", "")
		if a.Has("ca_host") {
			ca += " on " + a.Text("ca_host", "")
		}
		d.Details = append(d.Details, "checks that it chains to the CA "+ca)
	}
	return d
}
