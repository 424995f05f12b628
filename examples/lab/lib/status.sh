# shellcheck shell=bash
# status.sh — one line per part of the lab; exit 1 if a process part is down.
# The apiserver's readiness is reported, not judged: it fails by design in
# the broken state.

do_status() {
	[[ -f $LAB/lab.env ]] || {
		echo "lab: not up (no $LAB/lab.env)"
		return 1
	}
	local bad=0 h
	for h in "${HOSTS[@]}"; do status_sshd "$h" || bad=1; done
	for h in "${ETCD_HOSTS[@]}"; do status_etcd "$h" || bad=1; done
	for h in "${HOSTS[@]}"; do status_runsvdir "$h" || bad=1; done
	local ready
	ready=$(readyz_etcd_line)
	row apiserver "$MASTER" "$(apiserver_url)/readyz" "$ready"
	status_ca
	status_puppet
	row memory lab "$LAB" "$(lab_memory)"
	# What the lab is now, judged by readiness, and what lab.sh last made it
	# (a runbook may have fixed it since).
	local now=broken
	[[ $ready == 200* ]] && now=healthy
	row state lab "$LAB" "$now (lab.sh last left it $(cat "$LAB/state" 2>/dev/null || echo unknown))"
	return "$bad"
}

row() { printf '%-10s %-11s %-40s %s\n' "$@"; }

status_sshd() {
	local a
	a=$(addr_of "$1")
	if lab_ssh "$1" true </dev/null 2>/dev/null; then
		row sshd "$1" "$a:22" "ok (ssh root@$a true)"
	else
		row sshd "$1" "$a:22" "DOWN"
		return 1
	fi
}

status_etcd() {
	local ep out
	ep="https://$(addr_of "$1"):2379"
	if out=$(ETCDCTL_API=3 etcdctl --endpoints "$ep" --cacert "$LAB/pki/etcd-ca.pem" \
		--cert "$LAB/pki/etcdctl.pem" --key "$LAB/pki/etcdctl.key" \
		--dial-timeout 2s --command-timeout 3s endpoint health 2>&1); then
		row etcd "$1" "$ep" "${out#"$ep" }"
	else
		row etcd "$1" "$ep" "UNHEALTHY: $(tail -1 <<<"$out")"
		return 1
	fi
}

status_runsvdir() {
	local init services
	if init=$(host_init_pid "$1"); then
		services=$(service_status "$(host_dir "$1")/etc-lab/service" |
			sed 's/;.*//; s/ (pid [0-9]*)//; s/: [0-9]*s$//' | paste -sd, - | sed 's/,/, /g')
		row runsvdir "$1" "pid $init, $SVDIR" "$services"
	else
		row runsvdir "$1" "-" "DOWN"
		return 1
	fi
}

# service_status SVDIR runs sv status on every service in SVDIR (sv works
# from outside the host: supervise/ lives in the shared $LAB).
service_status() {
	local s names=()
	for s in "$1"/*/; do
		s=${s%/}
		names+=("${s##*/}")
	done
	SVDIR=$1 sv status "${names[@]}" 2>&1
}

# status_ca: which CA the apiserver trusts: the file puppet wrote, and what
# the running process loaded at start (they differ until a restart).
status_ca() {
	local d loaded
	d=$(host_dir "$MASTER")
	row ca "$MASTER" "$PUPPET_CA" "$(ca_label "$d/var-lib-puppet/client/ssl/certs/ca.pem")"
	row ca "$MASTER" "$APISERVER_CA" "$(ca_label "$d/var-lib-kubernetes/ssl/certs/ca.pem")"
	loaded=$(grep -ho 'etcd CA loaded from .*sha256=[0-9A-F:]*' "$d"/var-log/kube-apiserver/* 2>/dev/null | tail -1 | sed 's/.*sha256=//') || true
	row ca "$MASTER" "kube-apiserver process (loaded at start)" "sha256 ${loaded:-?} $(fp_label "$loaded")"
}

ca_label() {
	local fp
	[[ -f $1 ]] || {
		echo "missing"
		return 0
	}
	fp=$(fingerprint "$1")
	echo "sha256 $fp $(fp_label "$fp")"
}

fp_label() {
	case $1 in
	"") echo "" ;;
	"$(fingerprint "$LAB/pki/etcd-ca.pem")") echo "= etcd CA (signed etcd's certificates)" ;;
	"$(fingerprint "$LAB/pki/new-puppet-ca.pem")") echo "= NEW puppet CA (same name, did not sign etcd)" ;;
	*) echo "= unknown CA" ;;
	esac
}

status_puppet() {
	local lock
	lock="$(host_dir "$MASTER")/var-lib-puppet/state/agent_disabled.lock"
	if [[ -f $lock ]]; then
		row puppet "$MASTER" "$PUPPET_LOCK" "agent DISABLED: $(cat "$lock")"
	else
		row puppet "$MASTER" "$PUPPET_RUN" "agent enabled"
	fi
}

# lab_memory sums the resident memory of every process in the pid
# namespaces of the lab hosts whose init is still the one up recorded
# (verified_init; an inode alone could be another namespace's by now).
lab_memory() {
	local h inodes="" init
	for h in "${HOSTS[@]}"; do
		init=$(verified_init "$h") && inodes+=" ${init#* }"
	done
	[[ -n $inodes ]] || {
		echo "no lab host running"
		return 0
	}
	stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null | awk -v want="$inodes" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ns[w[i]] = 1 }
		($1 in ns) { split($2, f, "/"); print "/proc/" f[3] "/status" }' |
		xargs -r awk '/^VmRSS:/ { kb += $2; n++ } END { printf "%d processes, %.0f MB resident\n", n, kb / 1024 }' 2>/dev/null
}
