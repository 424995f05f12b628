package etcdtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// CurrentVersion is the etcd release CurrentBin builds: the newest 3.6
// patch release the Go module proxy served when this was written.
const CurrentVersion = "v3.6.17"

// Tools are the binaries of one etcd release.
type Tools struct {
	Etcd    string // the server
	Etcdutl string // the offline tool (snapshot restore on 3.5+)
	Dir     string // the directory holding both (prepend it to PATH)
}

// CurrentBin returns etcd and etcdutl of CurrentVersion, building them
// from go.etcd.io/etcd/server/v3 and go.etcd.io/etcd/etcdutl/v3 through
// the Go module proxy on first use and caching them in
// $MEND_ETCD_CACHE (default: the user cache dir's mend-test/etcd-VERSION).
// A file lock there makes parallel test packages build once; the others
// wait. The build takes minutes on a fresh machine; it is skipped (and
// the test skipped) under -short, and fails the test under CI when the
// build fails.
func CurrentBin(t testing.TB) Tools {
	t.Helper()
	if testing.Short() {
		t.Skip("etcdtest: -short: not building etcd " + CurrentVersion)
	}
	dir, err := cacheDir()
	if err != nil {
		t.Fatal(err)
	}
	tools := Tools{Etcd: filepath.Join(dir, "bin", "etcd"), Etcdutl: filepath.Join(dir, "bin", "etcdutl"), Dir: filepath.Join(dir, "bin")}
	if err := withLock(filepath.Join(dir, "lock"), func() error { return ensureBuilt(t, dir, tools) }); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("etcdtest: build etcd %s: %v", CurrentVersion, err)
		}
		t.Skipf("etcdtest: cannot build etcd %s (needs the Go module proxy): %v", CurrentVersion, err)
	}
	return tools
}

// cacheDir is where CurrentVersion's binaries live, created.
func cacheDir() (string, error) {
	dir := os.Getenv("MEND_ETCD_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("etcdtest: no cache dir (set MEND_ETCD_CACHE): %w", err)
		}
		dir = filepath.Join(base, "mend-test", "etcd-"+CurrentVersion)
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// withLock runs fn holding an exclusive flock on path.
func withLock(path string, fn func() error) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

// ensureBuilt builds the tools unless both are there already.
func ensureBuilt(t testing.TB, dir string, tools Tools) error {
	if isFile(tools.Etcd) && isFile(tools.Etcdutl) {
		return nil
	}
	src := filepath.Join(dir, "src")
	if err := writeModule(src); err != nil {
		return err
	}
	start := time.Now()
	for _, b := range [][2]string{{tools.Etcd, "go.etcd.io/etcd/server/v3"}, {tools.Etcdutl, "go.etcd.io/etcd/etcdutl/v3"}} {
		if err := goBuild(src, b[0], b[1]); err != nil {
			return err
		}
	}
	t.Logf("etcdtest: built etcd and etcdutl %s in %s into %s", CurrentVersion, time.Since(start).Round(time.Second), tools.Dir)
	return nil
}

// writeModule writes a throwaway module requiring the etcd release, so
// mend's own go.mod never gains the server's dependencies.
func writeModule(src string) error {
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	mod := fmt.Sprintf("module mendtest/etcdbuild\n\ngo 1.24\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 %[1]s\n\tgo.etcd.io/etcd/etcdutl/v3 %[1]s\n)\n", CurrentVersion)
	return os.WriteFile(filepath.Join(src, "go.mod"), []byte(mod), 0o644)
}

// goBuild builds pkg into out (via out.tmp, renamed when complete).
func goBuild(src, out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out+".tmp", pkg)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, tail(string(b), 20))
	}
	return os.Rename(out+".tmp", out)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
