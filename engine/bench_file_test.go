package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/zclconf/go-cty/cty"
)

// The work of issue 12's "1 MiB file + sha256 check on 10 hosts" row: ten
// host aliases of one sshd each get a 1 MiB text file that replaces an
// older version (one line differs). mend does it as a file repair (plan
// preview, write, verification by digest), OpenSSH as the ssh pipe
// `cat > f && sha256sum -c` (curve25519 kex, a new connection per host,
// hosts in parallel), against the same sshd in the same run:
//
//	go test -run '^$' -bench FileRepair -benchtime 5x ./engine/
const fileBenchHosts = 10

// fileBenchContent is the new content (1 MiB of configuration-like lines)
// and the old one, which differs in line 1000.
func fileBenchContent() (newContent, old string) {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "server_name host-%06d.example.org; # upstream %d\n", i, i%7)
	}
	newContent = b.String()
	return newContent, strings.Replace(newContent, "host-000999.example.org", "host-000999.example.com", 1)
}

// resetFiles gives every host its old file again.
func resetFiles(b *testing.B, dir, old string) {
	for h := range fileBenchHosts {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("h%d", h)), []byte(old), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFileRepairTenHostsMend(b *testing.B) {
	srv := sshtest.Start(b, sshtest.WithConfig("MaxSessions 100"))
	newContent, old := fileBenchContent()
	dir := b.TempDir()
	src := `variable "dir" { type = string }
variable "content" { type = string }
repair "file" "f" {
  on      = "all"
  path    = "${var.dir}/${host.name}"
  content = var.content
}
`
	rb, diags := load("file.mend.hcl", []byte(src), builtin.Registry())
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	var inv strings.Builder
	for i := range fileBenchHosts {
		fmt.Fprintf(&inv, "host \"h%d\" {\n  address = \"127.0.0.1\"\n  groups  = [\"all\"]\n}\n", i)
	}
	in, diags := runbooks.LoadInventory("inv.mend.hcl", []byte(inv.String()))
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	log, err := audit.Open(filepath.Join(b.TempDir(), "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	vars := map[string]cty.Value{"dir": cty.StringVal(dir), "content": cty.StringVal(newContent)}
	for b.Loop() {
		b.StopTimer()
		resetFiles(b, dir, old)
		b.StartTimer()
		pool := srv.Pool(b)
		eng := engine.New(engine.Options{Registry: builtin.Registry(), Connector: poolConnector{srv, pool}, Audit: log})
		run, err := eng.Apply(context.Background(), engine.Request{Runbook: rb, Inventory: in, Vars: vars})
		if err != nil || run.Failed() {
			b.Fatalf("apply: %v %s", err, run.Err)
		}
		pool.Close()
	}
	b.StopTimer()
	for h := range fileBenchHosts {
		if got, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("h%d", h))); string(got) != newContent {
			b.Fatalf("h%d does not have the new content", h)
		}
	}
}

func BenchmarkFileRepairTenHostsSSHPipe(b *testing.B) {
	if _, err := exec.LookPath("ssh"); err != nil {
		b.Skip("no OpenSSH client")
	}
	srv := sshtest.Start(b, sshtest.WithConfig("MaxSessions 100"))
	newContent, old := fileBenchContent()
	dir := b.TempDir()
	sum := sha256Hex(newContent)
	for b.Loop() {
		b.StopTimer()
		resetFiles(b, dir, old)
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make(chan error, fileBenchHosts)
		for h := range fileBenchHosts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := filepath.Join(dir, fmt.Sprintf("h%d", h))
				args := append([]string{"-o", "KexAlgorithms=curve25519-sha256"}, srv.SSHArgs()...)
				cmd := exec.Command("ssh", append(args, fmt.Sprintf("cat > %s && echo '%s  %s' | sha256sum -c --quiet", p, sum, p))...)
				cmd.Stdin = strings.NewReader(newContent)
				if out, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Errorf("%v: %s", err, out)
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
