#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests need
# when missing (openssh-server, etcd, runit, puppet, sudo; needs root), then
# runs every test, including those against a real sshd and the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
exec go test -count=1 -timeout 20m ./... "$@"
