#!/usr/bin/env bash
# The 2019-09-10 Toolforge incident, end to end, in the local lab:
# lab up (broken as on the night), plan (the diagnosis), apply without
# approvals (stops at the first gate), apply with the gates approved, a
# second plan (nothing to do), the audit log shown and verified, lab down.
# Run as root from anywhere; it installs missing Debian packages and
# builds bin/mend first.
# MEND_DEMO_KEEP=1 leaves the lab up afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
mend=$repo/bin/mend
lab=${MEND_LAB_DIR:-/tmp/mend-lab}
runbook=examples/toolforge-2019-09-10/etcd-ca-mismatch.mend.hcl
audit=$lab/audit.jsonl
start=$SECONDS

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

./scripts/deps.sh
go build -o "$mend" ./cmd/mend

say "lab up: four sshd hosts, 3-member etcd with TLS, kube-apiserver under runit, puppet; broken"
examples/lab/lab.sh up
if [ "${MEND_DEMO_KEEP:-}" != 1 ]; then
	trap 'say "lab down"; examples/lab/lab.sh down' EXIT
fi
rm -f "$audit" "$audit.head"

common=(-i "$lab/inventory.mend.hcl" --var-file "$lab/lab.vars.hcl" --audit-log "$audit")

say "mend plan: the diagnosis, changing nothing"
"$mend" plan "${common[@]}" "$runbook"

say "mend apply without approvals: stops at the first gate, changes nothing"
if "$mend" apply "${common[@]}" "$runbook" </dev/null; then
	echo "demo: apply without approval should have stopped at the gate" >&2
	exit 1
fi

say "mend apply with the two gates approved"
"$mend" apply "${common[@]}" "$runbook" \
	--approve repair.file.install_etcd_ca_at_puppet_source \
	--approve repair.service.restart_apiserver </dev/null

say "mend audit show: what the apply did, by whom, when, with what result"
"$mend" audit show "$audit"

say "mend plan again: nothing to do (exit code 0 with -detailed-exitcode)"
"$mend" plan "${common[@]}" -detailed-exitcode "$runbook"

say "the lab's own view"
examples/lab/lab.sh status || true

say "mend audit verify: the hash chain of every record of the four runs"
"$mend" audit verify "$audit"

say "demo took $((SECONDS - start)) s"
