package ssh

import (
	"strings"

	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// algorithms are ssh_config's KexAlgorithms, Ciphers and MACs for a host;
// nil means x/crypto's defaults. Names x/crypto does not implement are
// dropped by x/crypto itself, so the set offered is always a subset of
// what the config allows; an empty intersection fails the handshake.
type algorithms struct {
	kex, ciphers, macs []string
}

// applyAlgorithms reads the three lists in OpenSSH's forms: a plain list
// replaces the defaults, +list appends to them, -list removes the
// patterns it names, ^list puts its names first.
func (e *endpoint) applyAlgorithms(o *sshOptions) error {
	def := ssh.SupportedAlgorithms()
	for key, dst := range map[string]*[]string{"kexalgorithms": &e.algos.kex, "ciphers": &e.algos.ciphers, "macs": &e.algos.macs} {
		v, ok := o.first[key]
		if !ok {
			continue
		}
		defaults := map[string][]string{"kexalgorithms": def.KeyExchanges, "ciphers": def.Ciphers, "macs": def.MACs}[key]
		list, err := algorithmList(v, defaults)
		if err != nil {
			return err
		}
		*dst = list
	}
	return nil
}

func algorithmList(v sshValue, defaults []string) ([]string, error) {
	arg := v.args[0]
	if len(v.args) != 1 || arg == "" {
		return nil, steps.Errorf(steps.ClassConfig, "ssh config %s: an algorithm list is one comma-separated argument", v.where())
	}
	rest := strings.Split(strings.TrimLeft(arg, "+-^"), ",")
	switch arg[0] {
	case '+':
		return union(defaults, rest), nil
	case '^':
		return union(rest, defaults), nil
	case '-':
		var out []string
		for _, a := range defaults {
			if matchPatternList(a, arg[1:], false) != 1 {
				out = append(out, a)
			}
		}
		return out, nil
	}
	return rest, nil
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
