#!/usr/bin/env bash
# Installs the Debian packages mend's tests and lab need, when missing:
# openssh-server and openssh-client (real sshd in tests, OpenSSH as the
# benchmark peer), etcd-server and etcd-client (the lab's cluster), runit
# (the lab's supervisor), puppet (the lab's config management), sudo (sudo
# hosts in tests), procps (pgrep: proof that timed-out commands are gone),
# curl, openssl, iproute2 (ss) and util-linux (flock, unshare, setsid) for
# the lab, git (the CI example's test makes repositories), and systemd-journal-remote (log_search's test writes a journal
# file with it), libfaketime (clock's test runs a host an hour ahead).
# Needs root; says what it does.
set -euo pipefail

need=()
for pair in sshd:openssh-server ssh:openssh-client ssh-keygen:openssh-client etcd:etcd-server etcdctl:etcd-client \
	runsvdir:runit svlogd:runit puppet:puppet sudo:sudo pgrep:procps curl:curl openssl:openssl ss:iproute2 \
	flock:util-linux unshare:util-linux setsid:util-linux script:bsdutils git:git \
	/lib/systemd/systemd-journal-remote:systemd-journal-remote \
	"/usr/lib/$(uname -m)-linux-gnu/faketime/libfaketime.so.1:libfaketime"; do
  bin=${pair%%:*} pkg=${pair#*:}
  if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ] && [ ! -e "$bin" ]; then
    need+=("$pkg")
  fi
done
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ ${#need[@]} -eq 0 ] || [ -z "${need[0]}" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${need[*]}; run as root (or: sudo apt-get install -y ${need[*]})" >&2
  exit 1
fi
echo "deps: installing ${need[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
