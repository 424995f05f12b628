package gitstatus_test

import (
	"testing"

	"github.com/mend-sh/mend/steps/gitstatus"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDecode(t *testing.T) {
	typ := gitstatus.Type{}
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "documented", Type: typ, Src: "path = \"/etc/puppetlabs/code\"\nremote_ref = \"origin/production\"\nfetch = true",
			Want: &gitstatus.Config{Path: "/etc/puppetlabs/code", RemoteRef: "origin/production", Fetch: true}},
		{Name: "bounds", Type: typ, Src: "path = \"/srv/x\"\nmax_files = 10\ngit_timeout = \"5s\"", Want: &gitstatus.Config{Path: "/srv/x", MaxFiles: 10, GitTimeout: "5s"}},
		{Name: "relative path", Type: typ, Src: `path = "srv/x"`, WantDiags: []string{`1:8: path must be an absolute, clean path`}},
		{Name: "option as ref", Type: typ, Src: "path = \"/x\"\nremote_ref = \"--upload-pack=evil\"", WantDiags: []string{`2:14: is not a ref name`}},
		{Name: "fetch without a remote", Type: typ, Src: "path = \"/x\"\nremote_ref = \"main\"\nfetch = true", WantDiags: []string{`2:14: with fetch, remote_ref must name its remote`}},
		{Name: "max_files too big", Type: typ, Src: "path = \"/x\"\nmax_files = 5000", WantDiags: []string{`2:13: max_files must be from 1 to 1000`}},
		{Name: "timeout too long", Type: typ, Src: "path = \"/x\"\ngit_timeout = \"1h\"", WantDiags: []string{`2:15: git_timeout must be a duration from 1s to 5m`}},
	})
}
