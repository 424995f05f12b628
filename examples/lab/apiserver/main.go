package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options holds the command line. Flag names follow kube-apiserver's where
// one exists; --listen and --etcd-check-interval are the lab's own.
type options struct {
	etcdServers   string
	etcdCAFile    string
	etcdCertFile  string
	etcdKeyFile   string
	etcdPrefix    string
	checkTimeout  time.Duration
	checkInterval time.Duration
	listen        string
}

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("kube-apiserver", flag.ContinueOnError)
	fs.StringVar(&o.etcdServers, "etcd-servers", "", "comma-separated etcd client URLs, e.g. https://127.0.0.21:2379")
	fs.StringVar(&o.etcdCAFile, "etcd-cafile", "", "SSL Certificate Authority file used to secure etcd communication")
	fs.StringVar(&o.etcdCertFile, "etcd-certfile", "", "SSL certification file used to secure etcd communication")
	fs.StringVar(&o.etcdKeyFile, "etcd-keyfile", "", "SSL key file used to secure etcd communication")
	fs.StringVar(&o.etcdPrefix, "etcd-prefix", "/registry", "the prefix to prepend to all resource paths in etcd")
	fs.DurationVar(&o.checkTimeout, "etcd-healthcheck-timeout", 2*time.Second, "timeout of one etcd check (handshake and Get)")
	fs.DurationVar(&o.checkInterval, "etcd-check-interval", 2*time.Second, "time between etcd checks (lab only)")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:6443", "plain-HTTP address for /readyz, /livez and /healthz (lab only)")
	return fs
}

// etcdURLs validates --etcd-servers and returns its URLs.
func (o *options) etcdURLs() ([]string, error) {
	if o.etcdServers == "" {
		return nil, errors.New("--etcd-servers must be set")
	}
	var urls []string
	for _, s := range strings.Split(o.etcdServers, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Scheme != "https" || u.Port() == "" {
			return nil, fmt.Errorf("--etcd-servers: %q is not an https://host:port URL", s)
		}
		urls = append(urls, u.String())
	}
	return urls, nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run is the whole program: parse and log flags, load the etcd TLS files
// once, then serve health endpoints while checking etcd in the background,
// until SIGTERM or SIGINT. It returns the process exit code.
func run(args []string, stderr io.Writer) int {
	log := newLogger(stderr)
	var o options
	fs := newFlagSet(&o)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fs.VisitAll(func(f *flag.Flag) { log.Infof("FLAG: --%s=%q", f.Name, f.Value.String()) })
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := serve(ctx, &o, log); err != nil {
		log.Fatalf("%v", err)
		return 1
	}
	return 0
}

// serve loads the TLS files, starts the etcd watcher and the HTTP server,
// and returns when ctx is done (nil) or something fails at start.
func serve(ctx context.Context, o *options, log *logger) error {
	urls, err := o.etcdURLs()
	if err != nil {
		return err
	}
	files, err := loadEtcdTLS(o.etcdCAFile, o.etcdCertFile, o.etcdKeyFile)
	if err != nil {
		return err
	}
	log.Infof("etcd CA loaded from %q: subject=%q sha256=%s", o.etcdCAFile, files.caSubject, files.caSHA256)
	checker, err := newEtcdChecker(urls, files.config, o.checkTimeout, o.etcdPrefix)
	if err != nil {
		return err
	}
	defer checker.close()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	state := &readiness{maxAge: 3*o.checkInterval + o.checkTimeout}
	go watchEtcd(ctx, checker, state, o.checkInterval, log)
	srv := &http.Server{Handler: newMux(state), ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); shutdown(srv) }()
	log.Infof("Serving insecurely on %s", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Infof("shutting down")
	return nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
