# shellcheck shell=bash
# common.sh — settings, host table and small helpers shared by lab.sh's parts.
# Sourced by lab.sh; expects LAB_SRC (the examples/lab directory) to be set.

LAB=${MEND_LAB_DIR:-/tmp/mend-lab}
# A saved lab remembers its address base, so down/status work even if the
# caller's MEND_LAB_NET changed since up.
if [[ -f $LAB/lab.env ]]; then
	NET=$(sed -n 's/^MEND_LAB_NET=//p' "$LAB/lab.env")
else
	NET=${MEND_LAB_NET:-127.0.0}
fi

HOSTS=(k8s-master etcd-01 etcd-02 etcd-03)
ETCD_HOSTS=(etcd-01 etcd-02 etcd-03)
MASTER=k8s-master

# Per-host directory (under $LAB/hosts/HOST) : path it is bind-mounted on in
# that host's private mount namespace. Every host gets every mount.
MOUNTS=(
	"etc-lab:/etc/lab"                       # sshd config, runit services, lab tools
	"etc-etcd:/etc/etcd"                     # etcd's certificates (ssl/)
	"etc-puppet:/etc/puppet"                 # puppet.conf and the manifests
	"var-lib-puppet:/var/lib/puppet"         # puppet vardir; client ssldir in client/ssl
	"var-lib-etcd:/var/lib/etcd"             # etcd data (default/)
	"var-lib-kubernetes:/var/lib/kubernetes" # apiserver TLS files (written by puppet)
	"var-log:/var/log"                       # service logs (svlogd), puppet's logdir
	"run:/run"                               # /run/sshd, pid files
)

# Paths inside the hosts' views that the runbook touches.
SVDIR=/etc/lab/service
PUPPET_CA=/var/lib/puppet/client/ssl/certs/ca.pem
APISERVER_CA=/var/lib/kubernetes/ssl/certs/ca.pem
ETCD_CA=/etc/etcd/ssl/ca.pem
PUPPET_LOCK=/var/lib/puppet/state/agent_disabled.lock
PUPPET_SUMMARY=/var/lib/puppet/public/last_run_summary.yaml
PUPPET_RUN=/etc/lab/bin/lab-puppet-run

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
	printf 'lab: error: %s\n' "$*" >&2
	DIED=1
	exit 1
}

# addr_of HOST prints the host's loopback address: k8s-master is NET.11,
# etcd-0N is NET.2N (never NET.1, which /etc/hosts often names).
addr_of() {
	case $1 in
	k8s-master) echo "$NET.11" ;;
	etcd-0[1-9]) echo "$NET.2${1#etcd-0}" ;;
	*) die "unknown lab host '$1' (hosts: ${HOSTS[*]})" ;;
	esac
}

host_dir() { echo "$LAB/hosts/$1"; }

apiserver_url() { echo "http://$(addr_of "$MASTER"):6443"; }

etcd_endpoints() {
	local h out=()
	for h in "${ETCD_HOSTS[@]}"; do out+=("https://$(addr_of "$h"):2379"); done
	(
		IFS=,
		echo "${out[*]}"
	)
}

# wait_until SECONDS DESCRIPTION COMMAND... retries COMMAND every 0.25 s
# until it succeeds; after SECONDS it says what it waited for and fails.
wait_until() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			log "gave up after ${limit}s waiting for $what"
			return 1
		fi
		sleep 0.25
	done
}

# lab_ssh HOST COMMAND... runs COMMAND on a lab host, as a runbook would.
lab_ssh() {
	local h=$1
	shift
	ssh -F "$LAB/ssh/ssh_config" "$h" "$@"
}

# fingerprint FILE prints the SHA-256 fingerprint of a PEM certificate
# (AA:BB:... as openssl and the apiserver stand-in print it).
fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*Fingerprint=//'
}

require_root() {
	[[ $(id -u) == 0 ]] || die "the lab needs root (mount namespaces, port 22); run it with sudo"
}

check_net() {
	[[ $NET =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
		die "MEND_LAB_NET='$NET' must be the first three octets of a 127.0.0.0/8 address, e.g. 127.0.0 or 127.0.1"
}
