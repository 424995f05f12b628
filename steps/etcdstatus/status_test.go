package etcdstatus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/etcdstatus"
	"github.com/zclconf/go-cty/cty"
)

// result is what a test checks of one etcd_status run.
type result struct {
	class   string
	quorum  bool
	classes map[string]string // endpoint -> class
	errors  map[string]string // endpoint -> error
	out     cty.Value
	resp    steps.DiagnoseResponse
}

func run(t *testing.T, h steps.Host, cfg *etcdstatus.Config) result {
	t.Helper()
	if err := (etcdstatus.Status{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	resp, err := etcdstatus.Status{}.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	out := resp.Output
	if !out.Type().Equals(etcdstatus.Status{}.Output()) {
		t.Fatalf("output type %s does not conform to Output()", out.Type().FriendlyName())
	}
	r := result{class: out.GetAttr("class").AsString(), quorum: out.GetAttr("quorum").True(),
		classes: map[string]string{}, errors: map[string]string{}, out: out, resp: resp}
	for _, e := range out.GetAttr("endpoints").AsValueSlice() {
		ep := e.GetAttr("endpoint").AsString()
		r.classes[ep] = e.GetAttr("class").AsString()
		r.errors[ep] = e.GetAttr("error").AsString()
	}
	t.Logf("took %s\n%s\n  %s", time.Since(start).Round(time.Millisecond), resp.Summary, strings.Join(resp.Details, "\n  "))
	return r
}

func config(c *etcdtest.Cluster) *etcdstatus.Config {
	three := 3
	return &etcdstatus.Config{
		Args:    withTimeouts(c.Args(), "5s", "5s"),
		Samples: &three, Interval: "200ms",
	}
}

func num(v cty.Value, attr string) int64 {
	n, _ := v.GetAttr(attr).AsBigFloat().Int64()
	return n
}

// TestClassification runs etcd_status through a real sshd against a real
// 3-member etcd cluster with mutual TLS, in the states the issue names, in
// order: healthy; the wrong CA; a member paused (SIGSTOP) for a moment;
// one member serving a certificate from another CA; one member stopped;
// two members stopped.
func TestClassification(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 3)
	m1, m2, m3 := c.Members[0], c.Members[1], c.Members[2]

	t.Run("healthy", func(t *testing.T) {
		r := run(t, h, config(c))
		if r.class != "healthy" || !r.quorum || !r.out.GetAttr("ok").True() {
			t.Fatalf("class %s quorum %v, want healthy with quorum", r.class, r.quorum)
		}
		if num(r.out, "voters") != 3 || num(r.out, "learners") != 0 || r.out.GetAttr("leader").AsString() == "" {
			t.Errorf("voters %d learners %d leader %q", num(r.out, "voters"), num(r.out, "learners"), r.out.GetAttr("leader").AsString())
		}
		if v := r.out.GetAttr("version").AsString(); v == "" || num(r.out, "revision") < 1 || num(r.out, "db_size") <= 0 {
			t.Errorf("version %q revision %d db_size %d", v, num(r.out, "revision"), num(r.out, "db_size"))
		}
		if got := r.out.GetAttr("dial_timeout").AsString() + " " + r.out.GetAttr("call_timeout").AsString(); got != "5s 5s" {
			t.Errorf("timeouts %q", got)
		}
		if !strings.Contains(strings.Join(r.resp.Details, "\n"), "timeouts: dial 5s, call 5s; slow over 1s; 3 samples 200ms apart") {
			t.Errorf("details do not name the timeouts:\n%s", strings.Join(r.resp.Details, "\n"))
		}
	})

	t.Run("wrong CA", func(t *testing.T) {
		cfg := config(c)
		cfg.CAFile = c.PKI.WrongCAFile
		start := time.Now()
		r := run(t, h, cfg)
		if r.class != "tls_failure" || r.quorum {
			t.Fatalf("class %s quorum %v, want tls_failure", r.class, r.quorum)
		}
		for ep, msg := range r.errors {
			if !strings.Contains(msg, "x509: certificate signed by unknown authority") || strings.Contains(msg, "deadline") {
				t.Errorf("%s: error %q, want x509's reason and no deadline", ep, msg)
			}
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("took %s: a wrong CA must fail at the handshake, not wait for a deadline", d)
		}
	})

	t.Run("slowed member", func(t *testing.T) {
		slow := m1
		if c.Leader(t) == m1 {
			slow = m2
		}
		slow.Pause(t)
		resumed := make(chan struct{})
		go func() {
			time.Sleep(2500 * time.Millisecond)
			slow.Resume(t)
			close(resumed)
		}()
		cfg := config(c)
		cfg.DialTimeout, cfg.CallTimeout = "10s", "10s"
		r := run(t, h, cfg)
		<-resumed
		if r.class != "slow" || !r.quorum {
			t.Fatalf("class %s quorum %v, want slow with quorum", r.class, r.quorum)
		}
		if got := r.classes[slow.ClientURL()]; got != "slow" {
			t.Errorf("the paused member is %s, want slow (not unreachable): %s", got, r.errors[slow.ClientURL()])
		}
	})

	t.Run("member behind a wrong CA", func(t *testing.T) {
		m3.Stop(t)
		m3.ServeCert, m3.ServeKey = c.PKI.WrongCert, c.PKI.WrongKey
		m3.Start(t)
		waitQuorum(t, c)
		r := run(t, h, config(c))
		if r.class != "tls_failure" || !r.quorum {
			t.Fatalf("class %s quorum %v, want tls_failure with quorum", r.class, r.quorum)
		}
		if msg := r.errors[m3.ClientURL()]; r.classes[m3.ClientURL()] != "tls_failure" || !strings.Contains(msg, "x509: certificate signed by unknown authority") {
			t.Errorf("m3: %s %q", r.classes[m3.ClientURL()], msg)
		}
		if r.classes[m1.ClientURL()] != "healthy" || r.classes[m2.ClientURL()] != "healthy" {
			t.Errorf("classes %v", r.classes)
		}
	})

	t.Run("one member stopped", func(t *testing.T) {
		m3.Stop(t)
		r := run(t, h, config(c))
		if r.class != "unreachable" || !r.quorum {
			t.Fatalf("class %s quorum %v, want unreachable with quorum", r.class, r.quorum)
		}
		if msg := r.errors[m3.ClientURL()]; r.classes[m3.ClientURL()] != "unreachable" || !strings.Contains(msg, "connect failed") {
			t.Errorf("m3: %s %q", r.classes[m3.ClientURL()], msg)
		}
		if num(r.out, "voters") != 3 {
			t.Errorf("voters %d", num(r.out, "voters"))
		}
	})

	t.Run("two members stopped", func(t *testing.T) {
		m2.Stop(t)
		cfg := config(c)
		cfg.CallTimeout = "3s"
		r := run(t, h, cfg)
		if r.class != "no_quorum" || r.quorum || r.out.GetAttr("ok").True() {
			t.Fatalf("class %s quorum %v, want no_quorum", r.class, r.quorum)
		}
		if got := r.classes[m1.ClientURL()]; got != "no_quorum" {
			t.Errorf("the surviving member is %s, want no_quorum: %s", got, r.errors[m1.ClientURL()])
		}
		if r.classes[m2.ClientURL()] != "unreachable" {
			t.Errorf("classes %v", r.classes)
		}
	})
}

// waitQuorum waits until a linearizable read through the first member works.
func waitQuorum(t *testing.T, c *etcdtest.Cluster) {
	t.Helper()
	cli := c.Client(t, c.Members[0].ClientURL())
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := cli.Get(ctx, "x")
		cancel()
		if err == nil {
			return
		}
		if i > 30 {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func withTimeouts(a etcdconn.Args, dial, call string) etcdconn.Args {
	a.DialTimeout, a.CallTimeout = dial, call
	return a
}
