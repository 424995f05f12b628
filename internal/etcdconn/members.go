package etcdconn

import (
	"context"
	"strconv"
)

// Member is one member of the cluster's member list.
type Member struct {
	ID         uint64
	Name       string // "" for a member added but never started
	PeerURLs   []string
	ClientURLs []string
	IsLearner  bool
}

// Started reports whether the member has ever joined (it has a name).
func (m Member) Started() bool { return m.Name != "" }

// HexID is the member id as etcdctl prints it.
func (m Member) HexID() string { return HexID(m.ID) }

// HexID formats a member id as etcdctl does.
func HexID(id uint64) string { return strconv.FormatUint(id, 16) }

// Alarm is one active alarm.
type Alarm struct {
	MemberID uint64
	Type     string // "NOSPACE", "CORRUPT"
}

// Membership is the member list and the alarms, asked of one endpoint.
type Membership struct {
	Members []Member
	Alarms  []Alarm
	From    Endpoint // who answered
}

// Membership asks ep for the member list and the active alarms. Both are
// linearizable on etcd 3.4 (a serializable member list is only honoured
// by 3.5+, and the alarm list goes through raft), so they need quorum.
func (d *Dialer) Membership(ctx context.Context, ep Endpoint) (*Membership, error) {
	cli, err := d.Client(ep)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	cctx, cancel := d.CallContext(ctx)
	ml, err := cli.MemberList(cctx)
	cancel()
	if err != nil {
		return nil, &Failure{Class: ClassifyRPC(err), Phase: "member list", Err: err}
	}
	m := &Membership{From: ep}
	for _, pm := range ml.Members {
		m.Members = append(m.Members, Member{ID: pm.ID, Name: pm.Name, PeerURLs: pm.PeerURLs, ClientURLs: pm.ClientURLs, IsLearner: pm.IsLearner})
	}
	cctx, cancel = d.CallContext(ctx)
	al, err := cli.AlarmList(cctx)
	cancel()
	if err != nil {
		return nil, &Failure{Class: ClassifyRPC(err), Phase: "alarm list", Err: err}
	}
	for _, a := range al.Alarms {
		m.Alarms = append(m.Alarms, Alarm{MemberID: a.MemberID, Type: a.Alarm.String()})
	}
	return m, nil
}

// Voters are the members that vote (not learners).
func (m *Membership) Voters() []Member {
	var out []Member
	for _, x := range m.Members {
		if !x.IsLearner {
			out = append(out, x)
		}
	}
	return out
}

// Name returns the name of the member with id, or its hex id.
func (m *Membership) Name(id uint64) string {
	if m != nil {
		for _, x := range m.Members {
			if x.ID == id && x.Name != "" {
				return x.Name
			}
		}
	}
	return HexID(id)
}

// Quorum is the majority of n voters: n/2 + 1.
func Quorum(voters int) int { return voters/2 + 1 }

// Tolerates is how many voters of n may fail with quorum kept.
func Tolerates(voters int) int { return voters - Quorum(voters) }
