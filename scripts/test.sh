#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests need
# when missing (openssh-server, etcd, runit, puppet, sudo; needs root), then
# runs every test, including those against a real sshd and the lab.
#
# The packages under examples/ each bring up a lab (a dozen processes: sshd,
# etcd, runit, puppet per host) and run one at a time (-p 1): two labs at
# once on 2 cores made the lab's runit miss `sv -w 60 start etcd`
# (examples/etcd failed beside examples/toolforge, passed alone).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
mapfile -t pkgs < <(go list ./... | grep -v '/examples/')
go test -count=1 -timeout 20m "${pkgs[@]}" "$@"
exec go test -count=1 -timeout 20m -p 1 ./examples/... "$@"
