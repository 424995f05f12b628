package etcdrestore

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// DefaultWait bounds how long apply waits for the restored cluster to be
// healthy; DefaultStopWait how long for a stopped member to stop
// answering.
const (
	DefaultWait     = 2 * time.Minute
	DefaultStopWait = 30 * time.Second
	// MaxSnapshotBytes is what one host read can carry (steps.Host.ReadFile).
	MaxSnapshotBytes = 64 << 20
)

// Restore is the etcd_restore repair type. It is dangerous: every use
// needs an approval block. It names its hosts in members, so it takes no
// `on`.
//
//	repair "etcd_restore" "from_backup" {
//	  snapshot_host = "etcd-01"                    # where the snapshot is
//	  snapshot      = "/var/backups/etcd/etcd.db"  # saved by etcd_snapshot or etcdctl
//	  token         = "etcd-restored-20261205"     # a NEW --initial-cluster-token
//	  members = [for h in var.etcd_hosts : {       # per-member facts, from the inventory
//	    host       = h
//	    name       = inventory.hosts[h].vars.etcd_name
//	    peer_url   = inventory.hosts[h].vars.etcd_peer_url
//	    client_url = inventory.hosts[h].vars.etcd_client_url
//	    data_dir   = inventory.hosts[h].vars.etcd_data_dir
//	  }]
//	  stop_command  = "systemctl stop etcd"        # run on each member's host
//	  start_command = "systemctl start etcd"
//	  ca_file, cert_file, key_file                 # on the members' hosts, to verify
//	  approval { reason = "..." }
//	}
type Restore struct{}

var (
	_ steps.Repairer  = Restore{}
	_ steps.Validator = Restore{}
	_ steps.Hostless  = Restore{}
)

// Config is etcd_restore's arguments.
type Config struct {
	SnapshotHost   string    `hcl:"snapshot_host"`
	Snapshot       string    `hcl:"snapshot"`
	SnapshotSHA256 string    `hcl:"snapshot_sha256,optional"`
	Token          string    `hcl:"token"`
	Members        cty.Value `hcl:"members"`
	StopCommand    string    `hcl:"stop_command"`
	StartCommand   string    `hcl:"start_command"`
	Owner          string    `hcl:"owner,optional"`
	Tool           string    `hcl:"tool,optional"`
	CAFile         string    `hcl:"ca_file"`
	CertFile       string    `hcl:"cert_file"`
	KeyFile        string    `hcl:"key_file"`
	DialTimeout    string    `hcl:"dial_timeout,optional"`
	CallTimeout    string    `hcl:"call_timeout,optional"`
	Wait           string    `hcl:"wait,optional"`
	StopWait       string    `hcl:"stop_wait,optional"`
}

// member is one restored member's facts.
type member struct {
	Host, Name, PeerURL, ClientURL, DataDir string
	client                                  etcdconn.Endpoint
}

// aside is where the member's data dir is moved.
func (m member) aside(token string) string { return m.DataDir + ".pre-restore-" + token }

// staged is where the member's copy of the snapshot is put.
func (m member) staged(token string) string { return m.DataDir + ".snapshot-" + token + ".db" }

type settings struct {
	members  []member
	conn     etcdconn.Conn
	wait     time.Duration
	stopWait time.Duration
	tool     string
}

// Name returns "etcd_restore".
func (Restore) Name() string { return "etcd_restore" }

// NewConfig returns a fresh *Config.
func (Restore) NewConfig() any { return &Config{} }

// ShellArgs: the stop and start commands run as shell code on each
// member (steps.ShellCoder).
func (Restore) ShellArgs() []string { return []string{"stop_command", "start_command"} }

// Dangerous is true: a restore replaces the cluster.
func (Restore) Dangerous() bool { return true }

// ClusterWide: the change is to the etcd cluster, which every member's
// host sees; a plan defers the diagnoses after it on every host.
func (Restore) ClusterWide() bool { return true }

// Hostless is true: the step reaches every member's host itself, in a
// fixed order (stop all before restoring any), so it takes no `on`.
func (Restore) Hostless() bool { return true }

// ValidateConfig checks every argument known before the run.
func (Restore) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

var (
	tokenRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)
	hexRE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// memberKeys are the attributes of each members element.
var memberKeys = []string{"client_url", "data_dir", "host", "name", "peer_url"}

func (cfg *Config) parse() (settings, error) {
	var s settings
	fail := func(format string, args ...any) (settings, error) {
		return s, fmt.Errorf("etcd_restore: "+format, args...)
	}
	if !cleanAbs(cfg.Snapshot) {
		return fail("snapshot %q: want an absolute, clean file path", cfg.Snapshot)
	}
	if cfg.SnapshotHost == "" {
		return fail("snapshot_host is empty: name the inventory host the snapshot is on")
	}
	if cfg.SnapshotSHA256 != "" && !hexRE.MatchString(cfg.SnapshotSHA256) {
		return fail("snapshot_sha256 %q: want 64 lower-case hex digits (sha256sum's form)", cfg.SnapshotSHA256)
	}
	if !tokenRE.MatchString(cfg.Token) || cfg.Token == "etcd-cluster" {
		return fail("token %q: want a new cluster token of letters, digits, '.', '_' and '-' (not etcd's default \"etcd-cluster\"); a new token keeps members of the old cluster from joining the restored one", cfg.Token)
	}
	if strings.TrimSpace(cfg.StopCommand) == "" || strings.TrimSpace(cfg.StartCommand) == "" {
		return fail("stop_command and start_command must be given: how etcd is stopped and started on each member's host (\"systemctl stop etcd\", \"sv -w 30 stop etcd\")")
	}
	if cfg.Owner != "" && !ownerRE.MatchString(cfg.Owner) {
		return fail("owner %q: want USER or USER:GROUP", cfg.Owner)
	}
	switch cfg.Tool {
	case "", "auto", "etcdutl", "etcdctl":
		s.tool = cfg.Tool
		if s.tool == "" {
			s.tool = "auto"
		}
	default:
		return fail("tool %q: want \"auto\" (etcdutl where installed, else etcdctl), \"etcdutl\" or \"etcdctl\"", cfg.Tool)
	}
	var err error
	if s.wait, err = etcdconn.ParseDuration("wait", cfg.Wait, DefaultWait); err != nil {
		return fail("%v", err)
	}
	if s.stopWait, err = etcdconn.ParseDuration("stop_wait", cfg.StopWait, DefaultStopWait); err != nil {
		return fail("%v", err)
	}
	if s.members, err = parseMembers(cfg.Members); err != nil {
		return s, err
	}
	eps := make([]string, len(s.members))
	for i, m := range s.members {
		eps[i] = m.ClientURL
	}
	if s.conn, err = etcdconn.ParseConn("etcd_restore", eps, cfg.CAFile, cfg.CertFile, cfg.KeyFile, cfg.DialTimeout, cfg.CallTimeout); err != nil {
		return s, err
	}
	for i := range s.members {
		s.members[i].client = s.conn.Endpoints[i]
	}
	return s, nil
}

func cleanAbs(p string) bool { return path.IsAbs(p) && path.Clean(p) == p && p != "/" }

// parseMembers reads members: a non-empty list of objects with exactly
// memberKeys, names, hosts, peer URLs and data dirs each unique.
func parseMembers(v cty.Value) ([]member, error) {
	if v == cty.NilVal || v.IsNull() {
		return nil, fmt.Errorf("etcd_restore: members is required: a list of { host, name, peer_url, client_url, data_dir }, one per member")
	}
	if !v.IsWhollyKnown() {
		return nil, nil // checked again when known
	}
	ty := v.Type()
	if !ty.IsListType() && !ty.IsTupleType() && !ty.IsSetType() {
		return nil, fmt.Errorf("etcd_restore: members: want a list of objects, got %s", ty.FriendlyName())
	}
	if v.LengthInt() == 0 {
		return nil, fmt.Errorf("etcd_restore: members is empty: give every member of the restored cluster")
	}
	var out []member
	seen := map[string]string{}
	unique := func(kind, val string, i int) error {
		k := kind + "\x00" + val
		if prev, ok := seen[k]; ok {
			return fmt.Errorf("etcd_restore: members[%d]: %s %q is also %s's", i, kind, val, prev)
		}
		seen[k] = fmt.Sprintf("members[%d]", i)
		return nil
	}
	for i, e := range v.AsValueSlice() {
		if !e.Type().IsObjectType() && !e.Type().IsMapType() {
			return nil, fmt.Errorf("etcd_restore: members[%d]: want an object { host, name, peer_url, client_url, data_dir }", i)
		}
		attrs := map[string]string{}
		var keys []string
		for k, x := range e.AsValueMap() {
			keys = append(keys, k)
			if !slices.Contains(memberKeys, k) {
				return nil, fmt.Errorf("etcd_restore: members[%d]: unknown attribute %q: want %s", i, k, strings.Join(memberKeys, ", "))
			}
			if x.IsNull() || x.Type() != cty.String {
				return nil, fmt.Errorf("etcd_restore: members[%d].%s: want a string", i, k)
			}
			attrs[k] = x.AsString()
		}
		sort.Strings(keys)
		if len(keys) != len(memberKeys) {
			return nil, fmt.Errorf("etcd_restore: members[%d] has %s: want all of %s", i, strings.Join(keys, ", "), strings.Join(memberKeys, ", "))
		}
		m := member{Host: attrs["host"], Name: attrs["name"], PeerURL: attrs["peer_url"], ClientURL: attrs["client_url"], DataDir: attrs["data_dir"]}
		if m.Host == "" {
			return nil, fmt.Errorf("etcd_restore: members[%d].host is empty", i)
		}
		if !nameRE.MatchString(m.Name) {
			return nil, fmt.Errorf("etcd_restore: members[%d].name %q: want letters, digits, '.', '_' and '-' (etcd's --name)", i, m.Name)
		}
		if u, err := url.Parse(m.PeerURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Port() == "" || (u.Path != "" && u.Path != "/") {
			return nil, fmt.Errorf("etcd_restore: members[%d].peer_url %q: want \"https://host:port\"", i, m.PeerURL)
		}
		if !cleanAbs(m.DataDir) {
			return nil, fmt.Errorf("etcd_restore: members[%d].data_dir %q: want an absolute, clean path", i, m.DataDir)
		}
		for _, kv := range [][2]string{{"host", m.Host}, {"name", m.Name}, {"peer_url", m.PeerURL}, {"client_url", m.ClientURL}} {
			if err := unique(kv[0], kv[1], i); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// initialCluster is --initial-cluster: every member's name=peer_url.
func (s settings) initialCluster() string {
	parts := make([]string, len(s.members))
	for i, m := range s.members {
		parts[i] = m.Name + "=" + m.PeerURL
	}
	return strings.Join(parts, ",")
}
