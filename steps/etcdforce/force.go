package etcdforce

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// DefaultWait bounds each wait: for the member to stop, and to answer.
const DefaultWait = 2 * time.Minute

// Force is the etcd_force_new_cluster repair type. It is dangerous.
//
//	repair "etcd_force_new_cluster" "out_of_the_trap" {
//	  on        = ["etcd-01"]                    # the surviving member's host
//	  endpoint  = "https://10.0.0.21:2379"       # its client URL
//	  ca_file, cert_file, key_file
//	  stop_command        = "systemctl stop etcd"
//	  force_start_command = "systemctl set-environment ETCD_FORCE_NEW_CLUSTER=true && systemctl start etcd"
//	  start_command       = "systemctl unset-environment ETCD_FORCE_NEW_CLUSTER && systemctl start etcd"
//	  approval { reason = "..." }
//	}
type Force struct{}

var (
	_ steps.Repairer  = Force{}
	_ steps.Validator = Force{}
)

// Config is etcd_force_new_cluster's arguments.
type Config struct {
	Endpoint          string `hcl:"endpoint"`
	CAFile            string `hcl:"ca_file"`
	CertFile          string `hcl:"cert_file"`
	KeyFile           string `hcl:"key_file"`
	DialTimeout       string `hcl:"dial_timeout,optional"`
	CallTimeout       string `hcl:"call_timeout,optional"`
	StopCommand       string `hcl:"stop_command"`
	ForceStartCommand string `hcl:"force_start_command"`
	StartCommand      string `hcl:"start_command"`
	Wait              string `hcl:"wait,optional"`
}

type settings struct {
	conn etcdconn.Conn
	wait time.Duration
}

// Name returns "etcd_force_new_cluster".
func (Force) Name() string { return "etcd_force_new_cluster" }

// NewConfig returns a fresh *Config.
func (Force) NewConfig() any { return &Config{} }

// ShellArgs: the stop, forced start and start commands run as shell code
// (steps.ShellCoder).
func (Force) ShellArgs() []string {
	return []string{"stop_command", "force_start_command", "start_command"}
}

// Dangerous is true: it rewrites the cluster's membership.
func (Force) Dangerous() bool { return true }

// ClusterWide: the change is to the etcd cluster, which every member's
// host sees; a plan defers the diagnoses after it on every host.
func (Force) ClusterWide() bool { return true }

// ValidateConfig checks the arguments.
func (Force) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

func (cfg *Config) parse() (settings, error) {
	var s settings
	var err error
	if s.conn, err = etcdconn.ParseConn("etcd_force_new_cluster", []string{cfg.Endpoint}, cfg.CAFile, cfg.CertFile, cfg.KeyFile, cfg.DialTimeout, cfg.CallTimeout); err != nil {
		return s, err
	}
	for _, c := range []string{cfg.StopCommand, cfg.ForceStartCommand, cfg.StartCommand} {
		if strings.TrimSpace(c) == "" {
			return s, fmt.Errorf("etcd_force_new_cluster: stop_command, force_start_command and start_command must all be given (how etcd is stopped, started once with --force-new-cluster, and started normally on this host)")
		}
	}
	if s.wait, err = etcdconn.ParseDuration("wait", cfg.Wait, DefaultWait); err != nil {
		return s, fmt.Errorf("etcd_force_new_cluster: %w", err)
	}
	return s, nil
}

// state is the survivor as seen before the change.
type state struct {
	cfg      *Config
	s        settings
	dl       *etcdconn.Dialer
	ep       etcdconn.Endpoint
	name     string
	id       uint64
	revision int64
	keys     int64
	members  []etcdconn.Member // nil when the member list cannot be read (3.4 without quorum)
	listErr  error
}

// look checks the preconditions: the member answers Status, the cluster
// has no quorum, no other member answers on its peer URL. It reads the
// revision and the number of keys with a serializable read.
func look(ctx context.Context, config any, h steps.Host) (*state, error) {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, steps.Errorf(steps.ClassConfig, "etcd_force_new_cluster: put the step `on` the surviving member's host")
	}
	s, err := cfg.parse()
	if err != nil {
		return nil, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	dl, err := etcdconn.Dial(ctx, h, s.conn.Files, s.conn.Timeouts)
	if err != nil {
		return nil, fmt.Errorf("etcd_force_new_cluster: %w", err)
	}
	st := &state{cfg: cfg, s: s, dl: dl, ep: s.conn.Endpoints[0]}
	smp := dl.Sample(ctx, st.ep)
	if smp.Answered() {
		return nil, steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: refusing: %s completed a linearizable read, so the cluster has quorum: change membership with etcd_member instead", st.ep.URL)
	}
	if smp.Status == nil {
		return nil, steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: refusing: %s does not answer Status (%s: %v): it must be running to be the survivor", st.ep.URL, smp.Class, smp.Err)
	}
	st.id, st.revision = smp.Status.Header.MemberId, smp.Status.Header.Revision
	cli, err := dl.Client(st.ep)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	if st.keys, err = countKeys(ctx, dl, cli); err != nil {
		return nil, fmt.Errorf("etcd_force_new_cluster: count keys on %s: %w", st.ep.URL, err)
	}
	cctx, cancel := dl.CallContext(ctx)
	ml, err := cli.MemberList(cctx, clientv3.WithSerializable())
	cancel()
	if err != nil {
		st.listErr = err
	} else {
		for _, m := range ml.Members {
			st.members = append(st.members, etcdconn.Member{ID: m.ID, Name: m.Name, PeerURLs: m.PeerURLs, IsLearner: m.IsLearner})
			if m.ID == st.id {
				st.name = m.Name
				continue
			}
			for _, u := range m.PeerURLs {
				if a := hostPort(u); a != "" && answers(ctx, h, a) {
					return nil, steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: refusing: member %x %q answers on %s: --force-new-cluster panics while other members of the old cluster are alive; stop it first (or start it properly and let the cluster regain quorum)", m.ID, m.Name, u)
				}
			}
		}
	}
	return st, nil
}

func hostPort(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

func answers(ctx context.Context, h steps.Host, addr string) bool {
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := h.DialContext(dctx, "tcp", addr)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// countKeys counts every key with a serializable read (which a member
// answers without quorum).
func countKeys(ctx context.Context, dl *etcdconn.Dialer, cli *clientv3.Client) (int64, error) {
	cctx, cancel := dl.CallContext(ctx)
	defer cancel()
	resp, err := cli.Get(cctx, "\x00", clientv3.WithFromKey(), clientv3.WithCountOnly(), clientv3.WithSerializable())
	if err != nil {
		return 0, err
	}
	return resp.Count, nil
}

func (st *state) lines() []string {
	out := []string{fmt.Sprintf("now: %s answers Status (member %s, revision %d, %d keys) but the cluster has no quorum", st.ep.URL, etcdconn.HexID(st.id), st.revision, st.keys)}
	if st.members != nil {
		var ms []string
		for _, m := range st.members {
			name := m.Name
			if name == "" {
				name = "(never started)"
			}
			ms = append(ms, fmt.Sprintf("%s %s %v", m.HexID(), name, m.PeerURLs))
		}
		out = append(out, "member list (serializable): "+strings.Join(ms, "; ")+"; none but this one answers on its peer URL")
	} else {
		out = append(out, fmt.Sprintf("member list: cannot be read without quorum on this version (%v): make sure no other member of the old cluster runs", st.listErr))
	}
	return append(out,
		"1. "+st.cfg.StopCommand+"   (then wait until "+st.ep.Addr+" refuses)",
		"2. "+st.cfg.ForceStartCommand+"   (then wait until it answers a linearizable read with itself as the only member)",
		"3. "+st.cfg.StopCommand+"   (--force-new-cluster only for that one start)",
		"4. "+st.cfg.StartCommand,
		fmt.Sprintf("5. verify: healthy, 1 member, revision >= %d, %d keys", st.revision, st.keys))
}

// Plan shows the survivor's state and the commands; it changes nothing.
func (Force) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	st, err := look(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	return steps.PlanResponse{Action: steps.Change, Output: cty.UnknownVal(Force{}.Output()), Preview: steps.Preview{
		Summary: fmt.Sprintf("restart %s with --force-new-cluster: membership becomes this member alone, its data (revision %d, %d keys) kept", st.ep.URL, st.revision, st.keys),
		Changes: st.lines(),
	}}, nil
}

// Output: member_id, revision_before, revision_after, keys_before,
// keys_after, version.
func (Force) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"member_id": cty.String, "revision_before": cty.Number, "revision_after": cty.Number,
		"keys_before": cty.Number, "keys_after": cty.Number, "version": cty.String,
	})
}
