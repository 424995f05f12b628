package gitstatus

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// statusScript reads a checkout. Arguments (stdin lines): the directory,
// the remote ref ("" for the upstream), "yes" to fetch first. It prints
// "mend-KEY VALUE" lines, then "mend-status" and git status's -z listing
// (NUL-separated, cut at the byte limit), last. git's own refusals (not
// a repository, dubious ownership) go to stderr with exit 4.
const statusScript = `IFS= read -r dir || exit 90
IFS= read -r ref || exit 90
IFS= read -r fetch || exit 90
export LC_ALL=C GIT_OPTIONAL_LOCKS=0 GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND='ssh -o BatchMode=yes'
[ -d "$dir" ] || { echo "no such directory" >&2; exit 3; }
command -v git >/dev/null 2>&1 || { echo "git is not installed" >&2; exit 6; }
g() { timeout -s KILL %[1]d git -c core.fsmonitor=false -c core.quotepath=false -C "$dir" "$@"; }
top=$(g rev-parse --show-toplevel) || exit 4
echo "mend-top $top"
echo "mend-head $(g rev-parse --verify -q HEAD)"
echo "mend-branch $(g symbolic-ref -q --short HEAD)"
up=$(g rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' 2>/dev/null)
echo "mend-upstream $up"
g log -1 --format='mend-commit %%ct%%x09%%an <%%ae>%%x09%%s' 2>/dev/null | head -c 2000; echo
[ -n "$ref" ] || ref=$up
echo "mend-ref $ref"
if [ -n "$ref" ]; then
  if [ "$fetch" = yes ]; then
    if g fetch --quiet --no-tags -- "${ref%%%%/*}" 2>&1 | head -c 2000 >&2; then echo "mend-fetched yes"; fi
  fi
  if ab=$(g rev-list --left-right --count "HEAD...$ref" -- 2>&1); then echo "mend-ab $ab"; else echo "mend-ab-error $ab" | head -n 1; fi
fi
echo mend-status
{ g status --porcelain=v1 -z --untracked-files=normal; echo "mend-status-rc $?" >&2; } | head -c %[2]d`

// runStatus runs statusScript for s.
func runStatus(ctx context.Context, host steps.Host, s settings) (hostscript.Result, error) {
	secs := int((s.timeout + time.Second - 1) / time.Second)
	fetch := "no"
	if s.fetch {
		fetch = "yes"
	}
	r, err := hostscript.Run(ctx, host, fmt.Sprintf(statusScript, secs, maxStatusBytes+1), s.path, s.ref, fetch)
	if err != nil {
		return r, err
	}
	switch r.ExitCode {
	case 0:
		return r, nil
	case 4:
		return r, steps.Errorf(steps.ClassStep, "git_status: %s: git refuses it: %s", s.path, hostscript.FirstLine(r.Stderr, 300))
	}
	return r, r.Failed("git_status: reading " + s.path)
}
