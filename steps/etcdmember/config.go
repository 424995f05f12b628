package etcdmember

import (
	"fmt"
	"net/url"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
)

// DefaultPromoteWait bounds how long apply retries a promotion etcd
// refuses because the learner is not yet in sync with the leader.
const DefaultPromoteWait = 60 * time.Second

// Member is the etcd_member repair type. It is dangerous: every use needs
// an approval block.
//
//	repair "etcd_member" "add_m4" {
//	  on        = ["etcd-01"]
//	  endpoints = ["https://etcd-01:2379", "https://etcd-02:2379", "https://etcd-03:2379"]
//	  ca_file   = "/etc/etcd/ssl/ca.pem"
//	  cert_file = "/etc/etcd/ssl/client.pem"
//	  key_file  = "/etc/etcd/ssl/client.key"
//	  action    = "add_learner"            # add_learner, promote, remove, add_voter
//	  name      = "etcd-04"                # adds: the new member's name (for initial_cluster)
//	  peer_urls = ["https://etcd-04:2380"] # adds
//	  # member  = "etcd-04"                # promote, remove: name or hex id
//	  # allow_unsafe = true                # overrides the quorum arithmetic
//	  approval { ... }
//	}
//
// Its zero value is ready to use; it keeps no state.
type Member struct{}

var (
	_ steps.Repairer  = Member{}
	_ steps.Validator = Member{}
)

// Config is etcd_member's arguments.
type Config struct {
	// Args are endpoints, ca_file, cert_file, key_file, dial_timeout,
	// call_timeout.
	etcdconn.Args `hcl:",remain"`
	Action        string   `hcl:"action"`
	Name          string   `hcl:"name,optional"`
	PeerURLs      []string `hcl:"peer_urls,optional"`
	Member        string   `hcl:"member,optional"`
	AllowUnsafe   bool     `hcl:"allow_unsafe,optional"`
	PromoteWait   string   `hcl:"promote_wait,optional"`
}

type settings struct {
	conn        etcdconn.Conn
	action      string
	target      target
	name        string
	allowUnsafe bool
	promoteWait time.Duration
}

// Name returns "etcd_member".
func (Member) Name() string { return "etcd_member" }

// NewConfig returns a fresh *Config.
func (Member) NewConfig() any { return &Config{} }

// Dangerous is true: a membership change can cost the cluster its quorum.
func (Member) Dangerous() bool { return true }

// ClusterWide: the change is to the etcd cluster, which every member's
// host sees; a plan defers the diagnoses after it on every host.
func (Member) ClusterWide() bool { return true }

// ValidateConfig checks the connection arguments and that the action has
// what it needs: peer_urls (https, with a port) and name for adds, member
// for promote and remove.
func (Member) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

func (cfg *Config) parse() (settings, error) {
	s := settings{action: cfg.Action, allowUnsafe: cfg.AllowUnsafe, name: cfg.Name}
	var err error
	if s.conn, err = cfg.Args.Parse("etcd_member"); err != nil {
		return s, err
	}
	if s.promoteWait, err = etcdconn.ParseDuration("promote_wait", cfg.PromoteWait, DefaultPromoteWait); err != nil {
		return s, fmt.Errorf("etcd_member: %w", err)
	}
	switch cfg.Action {
	case ActionAddLearner, ActionAddVoter:
		if len(cfg.PeerURLs) == 0 || cfg.Name == "" || cfg.Member != "" {
			return s, fmt.Errorf("etcd_member: action %q needs name and peer_urls (the new member's), and no member", cfg.Action)
		}
		for _, u := range cfg.PeerURLs {
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Port() == "" {
				return s, fmt.Errorf("etcd_member: peer_urls: %q: want \"https://host:port\"", u)
			}
		}
		s.target = target{peerURLs: cfg.PeerURLs}
	case ActionPromote, ActionRemove:
		if cfg.Member == "" || len(cfg.PeerURLs) > 0 {
			return s, fmt.Errorf("etcd_member: action %q needs member (a name or hex id), and no peer_urls", cfg.Action)
		}
		s.target = target{name: cfg.Member}
	default:
		return s, fmt.Errorf("etcd_member: action %q: want one of %q, %q, %q, %q", cfg.Action,
			ActionAddLearner, ActionPromote, ActionRemove, ActionAddVoter)
	}
	return s, nil
}
