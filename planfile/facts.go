package planfile

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// Facts are the digests of a run's inputs that its run_start record keeps
// (engine.Request.Facts), so that `mend apply --resume RUN` can refuse
// when they changed: each variable's value (sha256 of its JSON; a
// sensitive one keyed with the plan key, which key returns, asked only
// when there is one) and the inventory's files (sha256). Nothing in them
// shows a value.
func Facts(key func() (Key, error), rb *runbooks.Runbook, vars map[string]cty.Value, inv *runbooks.Inventory) (map[string]string, error) {
	sensitive := sensitiveNames(rb)
	var k Key
	if needsKey(vars, sensitive) {
		var err error
		if k, err = key(); err != nil {
			return nil, err
		}
	}
	recs, err := VarRecords(k, vars, sensitive)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, v := range recs {
		d := v.Digest
		if !v.Sensitive {
			s := sha256.Sum256(v.Value)
			d = "sha256:" + hex.EncodeToString(s[:])
		}
		out[audit.FactPrefix+"var."+v.Name] = d
	}
	if inv != nil {
		out[audit.FactPrefix+"inventory"] = inventoryDigest(inv)
	}
	return out, nil
}

func needsKey(vars map[string]cty.Value, sensitive map[string]bool) bool {
	for n, v := range vars {
		if sensitive[n] || v.ContainsMarked() {
			return true
		}
	}
	return false
}

// inventoryDigest is the sha256 of the inventory's files' bytes, in name
// order (not of their names: the same inventory given by another path is
// the same).
func inventoryDigest(inv *runbooks.Inventory) string {
	names := make([]string, 0, len(inv.Files))
	for n := range inv.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		h.Write(inv.Files[n].Bytes)
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
