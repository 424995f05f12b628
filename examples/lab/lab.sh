#!/usr/bin/env bash
# lab.sh — the mend lab: the 2019 Toolforge incident on one machine.
#
# Four OpenSSH "hosts" on loopback addresses (k8s-master, etcd-01..03), each
# with its own view of the files a runbook touches (private mount, pid and
# uts namespaces; no Docker); a 3-member etcd with mutual TLS; on
# k8s-master a kube-apiserver stand-in under runit and a masterless puppet
# whose k8s::ssl class copies the puppet client CA to the apiserver's
# --etcd-cafile. See README.md beside this file.
#
#   lab.sh up [--healthy]   start the lab (idempotent); broken by default
#   lab.sh down             stop every lab process, remove $MEND_LAB_DIR (idempotent)
#   lab.sh status           one line per part; exit 1 if a process part is down
#   lab.sh break            put the incident's broken CA in (puppet + restart)
#   lab.sh heal             put the etcd CA back (the durable fix)
#   lab.sh env              print the lab's paths as VAR=value lines
#   lab.sh ssh HOST [CMD]   ssh to a lab host
#
# Environment: MEND_LAB_DIR (default /tmp/mend-lab), MEND_LAB_NET (default
# 127.0.0: k8s-master is NET.11, etcd-0N is NET.2N).
# shellcheck source-path=SCRIPTDIR
set -Eeuo pipefail

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$LAB_SRC/lib/common.sh"
source "$LAB_SRC/lib/packages.sh"
source "$LAB_SRC/lib/pki.sh"
source "$LAB_SRC/lib/hosts.sh"
source "$LAB_SRC/lib/outputs.sh"
source "$LAB_SRC/lib/incident.sh"
source "$LAB_SRC/lib/status.sh"
source "$LAB_SRC/lib/guard.sh"

usage() {
	grep '^#   lab.sh' "${BASH_SOURCE[0]}" | sed 's/^#  //' >&2
	exit 2
}

# on_exit makes sure lab.sh never fails silently: set -e stops on a failed
# command that die did not explain, so name it (recorded by the ERR trap).
on_exit() {
	local rc=$1
	((rc != 0)) || return 0
	[[ -n ${DIED:-} ]] || log "error: lab.sh ${LAB_CMD:-} stopped (exit $rc) at ${LAST_ERR:-an unknown command}"
	[[ -z ${UP_BUILDING:-} ]] ||
		log "up failed; what it built stays in $LAB for inspection (lab.sh down removes it; lab.sh up starts over)"
}

main() {
	local cmd=${1:-}
	shift || true
	LAB_CMD=$cmd
	trap 'LAST_ERR="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
	trap 'on_exit $?' EXIT
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down ;;
	status) do_status || { DIED=1 && exit 1; } ;; # exit 1 is its answer, not an error
	break) with_lab do_break ;;
	heal) with_lab do_heal ;;
	env) cmd_env ;;
	ssh) cmd_ssh "$@" ;;
	*) usage ;;
	esac
}

# lock serialises lab.sh runs on one lab directory (not across labs), after
# check_lab_path. The lock file is never removed: a lab.sh waiting on the
# old file would run beside one that made a new file. If someone removes or
# replaces it anyway, lock notices (fd and path differ) and takes it again.
lock() {
	local i
	for i in 1 2 3; do
		check_lab_path
		(umask 077 && : >>"$LAB.lock") || die "could not create $LAB.lock"
		exec 9>>"$LAB.lock"
		flock -w 300 9 || die "another lab.sh has held $LAB.lock for 5 minutes"
		if [[ $(stat -L -c %d:%i "/proc/$$/fd/9") == "$(stat -c %d:%i "$LAB.lock" 2>/dev/null)" ]]; then
			check_lab_path # $LAB may have changed while we waited
			return 0
		fi
		log "$LAB.lock was replaced while lab.sh waited for it; taking the new one (try $i of 3)"
		exec 9>&-
	done
	die "$LAB.lock keeps being replaced; is something removing it?"
}

with_lab() {
	require_root
	lock
	lab_is_up || die "the lab is not up (lab.sh up)"
	"$@"
}

lab_is_up() {
	local h
	[[ -f $LAB/up.done ]] || return 1
	for h in "${HOSTS[@]}"; do host_init_pid "$h" >/dev/null || return 1; done
}

cmd_up() {
	local mode=broken start=$SECONDS
	case ${1:-} in
	"") ;;
	--healthy) mode=healthy ;;
	*) die "up takes only --healthy, not '$1'" ;;
	esac
	require_root
	check_net
	lock
	if lab_is_up; then
		log "already up in $LAB (state: $(cat "$LAB/state")); nothing to do. lab.sh heal/break switch states."
		return 0
	fi
	if [[ -e $LAB ]]; then
		[[ -f $LAB/.mend-lab ]] || die "$LAB exists but lab.sh did not make it (no .mend-lab marker); remove it or set MEND_LAB_DIR to another path"
		log "cleaning an incomplete lab in $LAB first"
		do_down
	fi
	UP_BUILDING=1
	ensure_packages
	check_addresses_free
	ensure_mount_points
	build_lab
	start_lab
	echo healthy >"$LAB/state"
	[[ $mode == healthy ]] || do_break
	touch "$LAB/up.done"
	UP_BUILDING=
	log "up in $((SECONDS - start)) s; state: $(cat "$LAB/state"). Next: lab.sh status; lab.sh env"
}

# build_lab writes everything under $LAB: binaries, certificates, keys, host
# trees and the outputs for mend.
build_lab() {
	local h
	log "creating $LAB (mode 0700)"
	make_lab_dir
	mkdir "$LAB/bin" "$LAB/hosts"
	write_env >"$LAB/lab.env"
	log "building the kube-apiserver stand-in (go build; about 25 s with an empty build cache)"
	(cd "$LAB_SRC/../.." && go build -o "$LAB/bin/kube-apiserver" ./examples/lab/apiserver) ||
		die "go build of examples/lab/apiserver failed"
	install -m 755 "$LAB_SRC/host/boot.sh" "$LAB/bin/boot.sh"
	make_pki
	make_client_key
	for h in "${HOSTS[@]}"; do make_host_tree "$h"; done
	for h in "${ETCD_HOSTS[@]}"; do make_etcd_files "$h"; done
	make_master_files
	write_outputs
}

# start_lab starts the hosts and brings the healthy state up: sshd, etcd,
# a first puppet run (it writes the apiserver's TLS files), kube-apiserver.
start_lab() {
	local h
	for h in "${HOSTS[@]}"; do start_host "$h"; done
	for h in "${HOSTS[@]}"; do
		wait_until 10 "the init of $h" record_init "$h" || die "$h did not start; see $(host_dir "$h")/boot.log"
	done
	for h in "${HOSTS[@]}"; do
		wait_until 30 "sshd on $h" lab_ssh "$h" true </dev/null || die "sshd on $h did not come up; see $(host_dir "$h")/boot.log and var-log/sshd/current"
	done
	log "4 hosts up (sshd on $(addr_of "$MASTER") and $(addr_of etcd-01)..$(addr_of etcd-03), port 22)"
	wait_until 60 "etcd to be healthy" etcd_healthy || die "etcd did not become healthy; see $LAB/hosts/etcd-0N/var-log/etcd/current"
	log "etcd healthy ($(etcd_endpoints))"
	run_puppet
	restart_apiserver
	wait_readyz 30 200 "[+]etcd ok" || die "kube-apiserver did not become ready; see $(host_dir "$MASTER")/var-log/kube-apiserver/current"
	log "kube-apiserver ready at $(apiserver_url)/readyz"
}

etcd_healthy() {
	ETCDCTL_API=3 etcdctl --endpoints "$(etcd_endpoints)" --cacert "$LAB/pki/etcd-ca.pem" \
		--cert "$LAB/pki/etcdctl.pem" --key "$LAB/pki/etcdctl.key" \
		--dial-timeout 2s --command-timeout 3s endpoint health
}

check_addresses_free() {
	local h a p listening
	listening=$(ss -Hltn | awk '{print $4}')
	for h in "${HOSTS[@]}"; do
		a=$(addr_of "$h")
		for p in 22 2379 2380 6443; do
			if grep -qxF -e "$a:$p" -e "0.0.0.0:$p" -e "*:$p" <<<"$listening"; then
				die "$a:$p is already in use (another lab? a second lab needs MEND_LAB_NET=127.0.1 and its own MEND_LAB_DIR)"
			fi
		done
	done
}

# ensure_mount_points creates the bind targets missing from the shared root.
# down leaves them: removing a directory that another lab has mounted over
# would detach that lab's mount.
ensure_mount_points() {
	local m
	for m in "${MOUNTS[@]}"; do
		[[ -d ${m#*:} ]] && continue
		mkdir -p "${m#*:}"
		log "created empty mount point ${m#*:} (left in place by down)"
	done
}

cmd_down() {
	require_root
	lock
	do_down
}

# do_down stops every host (and so every process the lab started) and
# removes $LAB. Safe on a half-built lab and on no lab at all. It leaves
# $LAB.lock (see lock).
do_down() {
	local start=$SECONDS
	if [[ ! -e $LAB ]] || rmdir "$LAB" 2>/dev/null; then
		log "down: nothing at $LAB"
		return 0
	fi
	[[ -f $LAB/.mend-lab ]] || die "$LAB does not look like a mend lab (no .mend-lab marker); not removing it"
	log "down: stopping the lab hosts of $LAB"
	hold_lab_namespaces
	stop_hosts
	kill_namespace_leftovers
	release_lab_namespaces
	log "down: removing $LAB"
	rm -rf "$LAB"
	log "down in $((SECONDS - start)) s: lab processes stopped, $LAB removed"
}

cmd_env() {
	if [[ -f $LAB/lab.env ]]; then cat "$LAB/lab.env"; else write_env; fi
}

cmd_ssh() {
	[[ $# -ge 1 ]] || die "usage: lab.sh ssh HOST [COMMAND...]"
	[[ -f $LAB/ssh/ssh_config ]] || die "the lab is not up (no $LAB/ssh/ssh_config)"
	exec ssh -F "$LAB/ssh/ssh_config" "$@"
}

main "$@"
