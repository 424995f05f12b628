#!/usr/bin/env bash
# review.sh: the dry-run review of a pull request's runbooks. For every
# *.mend.hcl file the pull request adds or changes (git diff against the
# base), runs `mend fmt -check -diff`, `mend validate` and
# `mend show -format markdown`, and writes one markdown comment body with
# the results. Exits 1 when any runbook is unformatted or invalid (the
# comment still says why), 0 otherwise. Posts the comment with `gh` only
# when a token (GH_TOKEN or GITHUB_TOKEN) and the pull request's number
# (PR_NUMBER) are set; otherwise it only writes the file. It reaches no
# host: mend show is offline.
#
# Settings (environment):
#   BASE_REF        the base to diff against (default origin/main); the
#                   merge base with HEAD is used, as GitHub's diff does
#   MEND            the mend binary (default: mend on PATH)
#   MEND_INVENTORY  an inventory to resolve targets with (optional)
#   MEND_VAR_FILE   a -var-file for validate and show (optional)
#   COMMENT_FILE    where to write the comment (default mend-review.md)
#   PR_NUMBER, GH_TOKEN or GITHUB_TOKEN: to post it with gh
set -euo pipefail

base=${BASE_REF:-origin/main}
mend=${MEND:-mend}
out=${COMMENT_FILE:-mend-review.md}
# A pull-request comment holds at most 65,536 characters; leave room for
# the note that says what was cut.
limit=64000

opts=()
[ -n "${MEND_INVENTORY:-}" ] && opts+=(-i "$MEND_INVENTORY")
[ -n "${MEND_VAR_FILE:-}" ] && opts+=(-var-file "$MEND_VAR_FILE")

# html escapes text for a <pre> block or a heading: mend already shows
# control characters visibly; this keeps a runbook from adding markup.
html() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

# section NAME STATUS OUTPUT: a collapsible block with a command's output.
section() {
  printf '<details><summary>%s: %s</summary>\n\n<pre>\n' "$1" "$2"
  printf '%s\n' "$3" | html
  printf '</pre>\n</details>\n\n'
}

# review FILE: the comment's part for one runbook; returns 1 if the
# runbook is unformatted or invalid.
review() {
  local f=$1 rc=0 fmt_ok=yes val_ok=yes fmt val shown
  fmt=$("$mend" fmt -check -diff "$f" 2>&1) || fmt_ok=no rc=1
  val=$("$mend" validate "${opts[@]}" "$f" 2>&1) || val_ok=no rc=1
  printf '## <code>%s</code>\n\n' "$(printf '%s' "$f" | html)"
  if [ "$fmt_ok" = yes ]; then printf -- '- fmt: ok\n'; else printf -- '- fmt: **not formatted** (run `mend fmt -w`)\n'; fi
  if [ "$val_ok" = yes ]; then printf -- '- validate: ok\n\n'; else printf -- '- validate: **failed**\n\n'; fi
  [ "$fmt_ok" = yes ] || section "mend fmt -check -diff" "differences" "$fmt"
  if [ "$val_ok" = no ]; then
    section "mend validate" "diagnostics" "$val"
    return 1
  fi
  if shown=$("$mend" show -format markdown "${opts[@]}" "$f" 2>&1); then
    printf '%s\n\n' "$shown"
  else
    section "mend show" "failed" "$shown"
    rc=1
  fi
  return "$rc"
}

mb=$(git merge-base "$base" HEAD)
mapfile -d '' changed < <(git diff -z --name-only --diff-filter=AMR "$mb" HEAD -- '*.mend.hcl' ':(exclude)inventory*.mend.hcl' ':(exclude)*/inventory*.mend.hcl')

status=0
{
  printf '# mend review\n\n'
  if [ ${#changed[@]} -eq 0 ]; then
    printf 'No runbooks changed.\n'
  else
    printf '%d runbook(s) changed against `%s`. Nothing below reached any host.\n\n' "${#changed[@]}" "$(git rev-parse --short "$mb")"
    for f in "${changed[@]}"; do
      review "$f" || status=1
    done
  fi
} > "$out.full"

chars=$(wc -m < "$out.full")
if [ "$chars" -gt "$limit" ]; then
  { head -c "$limit" "$out.full" | iconv -c -f utf-8 -t utf-8
    printf '\n\n---\n**Cut**: the review was %d characters; a comment holds 65,536. Run the script locally for the rest.\n' "$chars"; } > "$out"
else
  cp "$out.full" "$out"
fi
rm -f "$out.full"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$out" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${PR_NUMBER:-}" ] && [ -n "${GH_TOKEN:-${GITHUB_TOKEN:-}}" ]; then
  # A pull request from a fork gets a read-only token: say so, and let the
  # runbooks' verdict decide the exit code.
  if GH_TOKEN=${GH_TOKEN:-$GITHUB_TOKEN} gh pr comment "$PR_NUMBER" --body-file "$out"; then
    echo "review.sh: posted $out to pull request $PR_NUMBER" >&2
  else
    echo "review.sh: could not post $out to pull request $PR_NUMBER (gh failed); it is in the job summary" >&2
  fi
else
  echo "review.sh: wrote $out (not posted: PR_NUMBER and GH_TOKEN or GITHUB_TOKEN are needed)" >&2
fi
exit "$status"
