package etcdmember

import (
	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/zclconf/go-cty/cty"
)

// Output is etcd_member's result:
//
//	action          as configured
//	member_id       the member changed (hex; for adds, the new id); ""
//	                when nothing changed
//	voters_before, voters_after, quorum_after   the arithmetic
//	initial_cluster for adds: the --initial-cluster the new member must
//	                start with (with --initial-cluster-state=existing)
//	via             the endpoint the change went through
//	version         the server version via reported ("3.6.17")
//	overridden      the refusal allow_unsafe overrode ("" when none)
func (Member) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"action":          cty.String,
		"member_id":       cty.String,
		"voters_before":   cty.Number,
		"voters_after":    cty.Number,
		"quorum_after":    cty.Number,
		"initial_cluster": cty.String,
		"via":             cty.String,
		"version":         cty.String,
		"overridden":      cty.String,
	})
}

func (s settings) output(d decision, id uint64, initial string) cty.Value {
	mid := ""
	if id != 0 {
		mid = etcdconn.HexID(id)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"action":          cty.StringVal(s.action),
		"member_id":       cty.StringVal(mid),
		"voters_before":   cty.NumberIntVal(int64(d.votersBefore)),
		"voters_after":    cty.NumberIntVal(int64(d.votersAfter)),
		"quorum_after":    cty.NumberIntVal(int64(etcdconn.Quorum(d.votersAfter))),
		"initial_cluster": cty.StringVal(initial),
		"via":             cty.StringVal(d.from.URL),
		"version":         cty.StringVal(d.version),
		"overridden":      cty.StringVal(d.override),
	})
}
