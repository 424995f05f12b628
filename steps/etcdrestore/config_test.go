package etcdrestore

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func memberVal(host, name, n string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"host": cty.StringVal(host), "name": cty.StringVal(name),
		"peer_url":   cty.StringVal("https://10.0.0." + n + ":2380"),
		"client_url": cty.StringVal("https://10.0.0." + n + ":2379"),
		"data_dir":   cty.StringVal("/var/lib/etcd/default"),
	})
}

func goodConfig() *Config {
	return &Config{
		SnapshotHost: "etcd-01", Snapshot: "/var/backups/etcd/x.db", Token: "restored-1",
		Members:     cty.TupleVal([]cty.Value{memberVal("etcd-01", "e1", "1"), memberVal("etcd-02", "e2", "2"), memberVal("etcd-03", "e3", "3")}),
		StopCommand: "systemctl stop etcd", StartCommand: "systemctl start etcd",
		CAFile: "/etc/etcd/ca.pem", CertFile: "/etc/etcd/c.pem", KeyFile: "/etc/etcd/c.key",
	}
}

func TestConfig(t *testing.T) {
	s, err := goodConfig().parse()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.initialCluster(), "e1=https://10.0.0.1:2380,e2=https://10.0.0.2:2380,e3=https://10.0.0.3:2380"; got != want {
		t.Errorf("initial cluster %q, want %q", got, want)
	}
	if s.tool != "auto" || s.wait != DefaultWait || len(s.conn.Endpoints) != 3 || s.members[1].client.Addr != "10.0.0.2:2379" {
		t.Errorf("settings %+v", s)
	}
	bad := map[string]func(*Config){
		"token \"etcd-cluster\"":         func(c *Config) { c.Token = "etcd-cluster" },
		"token \"\"":                     func(c *Config) { c.Token = "" },
		"token \"a b\"":                  func(c *Config) { c.Token = "a b" },
		"snapshot \"x.db\"":              func(c *Config) { c.Snapshot = "x.db" },
		"snapshot_sha256":                func(c *Config) { c.SnapshotSHA256 = "ABC" },
		"stop_command and start_command": func(c *Config) { c.StopCommand = " " },
		"owner":                          func(c *Config) { c.Owner = "etcd;rm" },
		"tool \"etcdadm\"":               func(c *Config) { c.Tool = "etcdadm" },
		"members is empty":               func(c *Config) { c.Members = cty.EmptyTupleVal },
		"members is required":            func(c *Config) { c.Members = cty.NilVal },
		"name \"e1\" is also members[0]'s": func(c *Config) {
			c.Members = cty.TupleVal([]cty.Value{memberVal("a", "e1", "1"), memberVal("b", "e1", "2")})
		},
		"host \"a\" is also members[0]'s": func(c *Config) {
			c.Members = cty.TupleVal([]cty.Value{memberVal("a", "e1", "1"), memberVal("a", "e2", "2")})
		},
		"unknown attribute \"data-dir\"":      func(c *Config) { c.Members = cty.TupleVal([]cty.Value{extra("data-dir")}) },
		"members[0].data_dir \"var/lib\"":     func(c *Config) { c.Members = cty.TupleVal([]cty.Value{with("data_dir", "var/lib")}) },
		"members[0].peer_url \"10.0.0.1\"":    func(c *Config) { c.Members = cty.TupleVal([]cty.Value{with("peer_url", "10.0.0.1")}) },
		"members[0].name \"-x\"":              func(c *Config) { c.Members = cty.TupleVal([]cty.Value{with("name", "-x")}) },
		"scheme \"http\"":                     func(c *Config) { c.Members = cty.TupleVal([]cty.Value{with("client_url", "http://10.0.0.1:2379")}) },
		"members[0] has data_dir, host, name": func(c *Config) { c.Members = cty.TupleVal([]cty.Value{without("client_url", "peer_url")}) },
	}
	for want, mutate := range bad {
		c := goodConfig()
		mutate(c)
		if _, err := c.parse(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error with %q, got %v", want, err)
		}
	}
}

func with(k, v string) cty.Value {
	m := memberVal("etcd-01", "e1", "1").AsValueMap()
	m[k] = cty.StringVal(v)
	return cty.ObjectVal(m)
}

func extra(k string) cty.Value { return with(k, "x") }

func without(keys ...string) cty.Value {
	m := memberVal("etcd-01", "e1", "1").AsValueMap()
	for _, k := range keys {
		delete(m, k)
	}
	return cty.ObjectVal(m)
}
