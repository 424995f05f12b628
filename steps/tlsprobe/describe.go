package tlsprobe

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Probe{}

// Describe says which endpoints are handshaken from the host, with which
// CA and client certificate, and which candidate CAs are tried.
func (Probe) Describe(a steps.Args) steps.Description {
	eps := a.Text("endpoints", "")
	if eps == "" {
		eps = a.Text("endpoint", "?")
	}
	s := "handshakes TLS with " + eps + " from the host, verifying with " + a.Text("ca_file", "?")
	if a.Has("cert_file") {
		s += " and presenting " + a.Text("cert_file", "")
	}
	d := steps.Description{Summary: s}
	if a.Has("candidate_ca_files") {
		d.Details = append(d.Details, "on failure, tries which of these CAs would verify: "+a.Text("candidate_ca_files", ""))
	}
	return d
}
