package approval

import (
	"fmt"
	"strings"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
)

// Signed is what apply knows of a saved plan's approvals: the verified
// signatures on the plan whose sha256 is PlanSHA256 ("" when not applying
// a saved plan), the operator running apply and their own keys (Self,
// fingerprints).
type Signed struct {
	Signatures []Signature
	PlanSHA256 string
	Operator   string
	Self       map[string]bool
}

// isSelf reports whether a signature is the operator's own: by one of
// their keys, or by a principal naming them (alice or alice@host).
func (s Signed) isSelf(sig Signature) bool {
	if s.Self[sig.Fingerprint] {
		return true
	}
	user, _, _ := strings.Cut(sig.Principal, "@")
	return sig.Principal == s.Operator || user == s.Operator
}

// counted splits the signatures into those that count for a gate (one
// per distinct principal) and the operator's own, when the gate forbids
// self-approval.
func (s Signed) counted(noSelf bool) (counted, self []Signature) {
	seen := map[string]bool{}
	for _, sig := range s.Signatures {
		if noSelf && s.isSelf(sig) {
			self = append(self, sig)
			continue
		}
		if seen[sig.Principal] {
			continue // distinct signers: one person's second key counts once
		}
		seen[sig.Principal] = true
		counted = append(counted, sig)
	}
	return counted, self
}

// Decide decides gate g, whose approval block is a (nil: none), from the
// signatures: granted when enough distinct signers approved the plan;
// refused, saying what is missing, when the gate needs signatures
// (required = N, self_approval = false) and they are not there. ok is
// false when the gate is left to --approve or the terminal.
func (s Signed) Decide(g engine.Gate, a *runbooks.Approval) (d engine.Decision, ok bool) {
	if a == nil {
		a = &runbooks.Approval{}
	}
	counted, self := s.counted(a.NoSelfApproval)
	need := max(a.Required, 1)
	names := make([]string, len(counted))
	for i, c := range counted {
		names[i] = c.String()
	}
	if len(counted) >= need && len(s.Signatures) > 0 {
		return engine.Decision{Granted: true, Signers: names,
			By: fmt.Sprintf("signed approval of plan %s by %s", short12(s.PlanSHA256), strings.Join(names, ", "))}, true
	}
	if a.Required == 0 && !a.NoSelfApproval {
		return engine.Decision{}, false // the operator may grant it
	}
	var why []string
	switch {
	case s.PlanSHA256 == "":
		why = append(why, "make a saved plan (mend plan -out FILE), have it approved (mend approve FILE) and apply FILE")
	default:
		why = append(why, fmt.Sprintf("%d valid from distinct allowed signers (%s)", len(counted), orNone(names)))
	}
	if len(self) > 0 {
		why = append(why, fmt.Sprintf("%s signed but is the operator running apply (self_approval = false)", self[0]))
	}
	what := fmt.Sprintf("needs %d signed approval(s) of the plan from distinct allowed signers", need)
	if a.NoSelfApproval {
		what += ", none by the operator running apply"
	}
	return engine.Decision{Reason: fmt.Sprintf("not approved: %s %s; %s", g.Address, what, strings.Join(why, "; ")), By: s.Operator}, true
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
