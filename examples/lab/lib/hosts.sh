# shellcheck shell=bash
# hosts.sh — each lab host's files ($LAB/hosts/HOST), and starting it.
#
# A host is a runsvdir running as PID 1 of its own mount, pid and uts
# namespaces (hostname = the host's name), with the per-host directories of
# MOUNTS bound over the system paths. Its runit services: sshd on every host,
# etcd on etcd-0N, kube-apiserver on k8s-master.

# make_host_tree HOST creates $LAB/hosts/HOST with everything the host needs
# except the role-specific files (make_etcd_files, make_master_files).
make_host_tree() {
	local h=$1 d m
	d=$(host_dir "$h")
	for m in "${MOUNTS[@]}"; do mkdir -p "$d/${m%%:*}"; done
	printf '%s\n' "${MOUNTS[@]}" | tr ':' ' ' >"$d/mounts"
	printf '%s %s\n' "$h" "$(addr_of "$h")" >"$d/etc-lab/id"
	mkdir -p "$d/run/sshd" "$d/etc-lab/ssh" "$d/etc-lab/bin" "$d/etc-lab/service"
	chmod 755 "$d/run/sshd" # sshd's privilege separation directory
	chmod 700 "$d/var-lib-etcd"
	ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$d/etc-lab/ssh/ssh_host_ed25519_key"
	cp "$LAB/ssh/id_lab.pub" "$d/etc-lab/ssh/authorized_keys"
	write_sshd_config "$h" >"$d/etc-lab/ssh/sshd_config"
	write_service "$h" sshd "exec /usr/sbin/sshd -D -e -f /etc/lab/ssh/sshd_config"
	write_puppet_conf "$h" >"$d/etc-puppet/puppet.conf"
	install -m 755 "$LAB_SRC/host/lab-puppet-run" "$d/etc-lab/bin/lab-puppet-run"
	install -m 755 "$LAB_SRC/host/sv-stop" "$d/etc-lab/bin/sv-stop"
}

write_sshd_config() {
	cat <<-EOF
		# sshd of lab host $1 (mend lab). Runs under runit: sv restart sshd.
		ListenAddress $(addr_of "$1"):22
		HostKey /etc/lab/ssh/ssh_host_ed25519_key
		PidFile /run/sshd.pid
		AuthorizedKeysFile /etc/lab/ssh/authorized_keys
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PrintMotd no
		PrintLastLog no
		UseDNS no
		LogLevel INFO
		# SHLVL=1 stops bash sourcing ~/.bashrc for commands (LAB-NOTES 2);
		# SVDIR lets a runbook say "sv restart kube-apiserver" as is.
		# XDG_STATE_HOME in the host's own /run: its mend host lock is its own.
		SetEnv SHLVL=1 SVDIR=$SVDIR XDG_STATE_HOME=/run/mend-state
		Subsystem sftp /usr/lib/openssh/sftp-server
	EOF
}

# write_service HOST NAME RUN_LINE... makes a runit service in the host's
# /etc/lab/service/NAME whose run script execs RUN_LINE, logging with
# svlogd to /var/log/NAME/current.
write_service() {
	local h=$1 name=$2 d
	shift 2
	d="$(host_dir "$h")/etc-lab/service/$name"
	mkdir -p "$d/log" "$(host_dir "$h")/var-log/$name"
	{
		printf '#!/bin/sh\n# runit service %s on lab host %s (mend lab)\nexec 2>&1\n' "$name" "$h"
		printf '%s\n' "$@"
	} >"$d/run"
	printf '#!/bin/sh\nexec svlogd -tt /var/log/%s\n' "$name" >"$d/log/run"
	chmod 755 "$d/run" "$d/log/run"
}

write_puppet_conf() {
	cat <<-EOF
		# puppet settings of lab host $1 (its own view of /etc/puppet).
		# The client ssldir is WMF's self-hosted-puppetmaster path.
		[main]
		certname = $1
		vardir = /var/lib/puppet
		ssldir = /var/lib/puppet/client/ssl
		logdir = /var/log/puppet
		rundir = /run/puppet
		publicdir = /var/lib/puppet/public
	EOF
}

# make_etcd_files HOST: certificates in /etc/etcd/ssl and the etcd service.
make_etcd_files() {
	local h=$1 d a peers="" e
	d=$(host_dir "$h")
	a=$(addr_of "$h")
	mkdir -p "$d/etc-etcd/ssl"
	cp "$LAB/pki/etcd-ca.pem" "$d/etc-etcd/ssl/ca.pem"
	cp "$LAB/pki/$h.pem" "$d/etc-etcd/ssl/server.pem"
	install -m 600 "$LAB/pki/$h.key" "$d/etc-etcd/ssl/server.key"
	for e in "${ETCD_HOSTS[@]}"; do peers+="${peers:+,}$e=https://$(addr_of "$e"):2380"; done
	# /etc/etcd/etcd.env, if present, may override ETCD_INITIAL_CLUSTER and
	# ETCD_INITIAL_CLUSTER_STATE (as Debian's /etc/default/etcd does): a
	# replacement member joins the running cluster with state "existing".
	write_service "$h" etcd "ETCD_INITIAL_CLUSTER=$peers ETCD_INITIAL_CLUSTER_STATE=new" \
		'if [ -r /etc/etcd/etcd.env ]; then . /etc/etcd/etcd.env; fi' \
		"exec /usr/bin/etcd --name $h --data-dir /var/lib/etcd/default \\" \
		"  --listen-client-urls https://$a:2379 --advertise-client-urls https://$a:2379 \\" \
		"  --listen-peer-urls https://$a:2380 --initial-advertise-peer-urls https://$a:2380 \\" \
		'  --initial-cluster "$ETCD_INITIAL_CLUSTER" --initial-cluster-state "$ETCD_INITIAL_CLUSTER_STATE" \' \
		"  --initial-cluster-token mend-lab \\" \
		"  --cert-file /etc/etcd/ssl/server.pem --key-file /etc/etcd/ssl/server.key \\" \
		"  --trusted-ca-file /etc/etcd/ssl/ca.pem --client-cert-auth \\" \
		"  --peer-cert-file /etc/etcd/ssl/server.pem --peer-key-file /etc/etcd/ssl/server.key \\" \
		"  --peer-trusted-ca-file /etc/etcd/ssl/ca.pem --peer-client-cert-auth \\" \
		"  --logger zap --log-outputs stderr"
}

# make_master_files: the puppet client ssldir (with the CA that signed
# etcd's certificates: the healthy state), the k8s::ssl manifest, and the
# kube-apiserver service, held down until puppet has written its files.
make_master_files() {
	local d ssl
	d=$(host_dir "$MASTER")
	ssl=$d/var-lib-puppet/client/ssl
	mkdir -p "$ssl/certs" "$ssl/private_keys"
	cp "$LAB/pki/etcd-ca.pem" "$ssl/certs/ca.pem"
	cp "$LAB/pki/$MASTER.pem" "$ssl/certs/$MASTER.pem"
	install -m 600 "$LAB/pki/$MASTER.key" "$ssl/private_keys/$MASTER.pem"
	mkdir -p "$d/etc-puppet/code/environments/production"
	cp -r "$LAB_SRC/puppet/manifests" "$LAB_SRC/puppet/modules" "$d/etc-puppet/code/environments/production/"
	ln -sf "$LAB/bin/kube-apiserver" "$d/etc-lab/bin/kube-apiserver"
	write_service "$MASTER" kube-apiserver "exec /etc/lab/bin/kube-apiserver \\" \
		"  --etcd-servers=$(etcd_endpoints) \\" \
		"  --etcd-cafile=$APISERVER_CA \\" \
		"  --etcd-certfile=/var/lib/kubernetes/ssl/certs/cert.pem \\" \
		"  --etcd-keyfile=/var/lib/kubernetes/ssl/private_keys/server.key \\" \
		"  --listen=$(addr_of "$MASTER"):6443"
	touch "$d/etc-lab/service/kube-apiserver/down"
}

# start_host HOST launches the host's init (boot.sh) in new namespaces and
# records unshare's pid. unshare --fork ignores SIGTERM, so stop_host
# signals its child instead; --kill-child takes the host down if unshare
# itself is killed.
start_host() {
	local h=$1 d
	d=$(host_dir "$h")
	setsid unshare --mount --propagation private --uts --pid --fork --kill-child=SIGKILL --mount-proc \
		"$LAB/bin/boot.sh" "$h" "$d" >"$d/boot.log" 2>&1 </dev/null 9>&- &
	echo $! >"$d/unshare.pid"
}

# host_init_pid HOST prints the pid (in our namespace) of the host's PID 1,
# runsvdir, or fails if the host is not running.
host_init_pid() {
	local u child
	u=$(unshare_pid "$1") || return 1
	child=$(cat "/proc/$u/task/$u/children" 2>/dev/null) || return 1
	child=${child%% *}
	[[ -n $child ]] || return 1
	echo "$child"
}

# is_our_unshare PID HOSTDIR: is PID still this host's unshare (and not a
# recycled pid)?
is_our_unshare() {
	[[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "boot.sh ${2##*/} $2"
}

# stop_hosts stops every process of every lab host, all hosts at once.
# First each runit service gets sv force-stop (TERM; etcd shuts down and
# logs it, but a leader whose peers stop at the same moment waits up to 7 s
# for a leadership transfer, so runsv kills what is still up after 1 s).
# Then SIGHUP makes each runsvdir exit; when PID 1 of a pid namespace
# exits, the kernel kills whatever is left in it. Escalates to SIGKILL;
# every wait is bounded.
stop_hosts() {
	local h init pids=()
	for h in "${HOSTS[@]}"; do
		host_init_pid "$h" >/dev/null || continue
		stop_services "$h" &
		pids+=($!)
	done
	((${#pids[@]} == 0)) || wait "${pids[@]}" || true
	for h in "${HOSTS[@]}"; do
		init=$(host_init_pid "$h") && kill -HUP "$init" 2>/dev/null || true
	done
	wait_until 10 "the lab hosts to stop" no_host_running && return 0
	for h in "${HOSTS[@]}"; do
		init=$(host_init_pid "$h") && kill -KILL "$init" 2>/dev/null || true
	done
	wait_until 5 "the lab hosts to die" no_host_running && return 0
	for h in "${HOSTS[@]}"; do
		unshare_pid "$h" >/dev/null && kill -KILL "$(unshare_pid "$h")" 2>/dev/null || true
	done
	wait_until 5 "unshare to die" no_host_running || log "some lab host would not die: $(cat "$LAB"/hosts/*/unshare.pid)"
}

# stop_services HOST stops the host's runit services (logs last), from
# outside the host: supervise/ lives in the shared $LAB.
stop_services() {
	local dir s names=()
	dir="$(host_dir "$1")/etc-lab/service"
	for s in "$dir"/*/; do
		s=${s%/}
		names+=("${s##*/}")
	done
	SVDIR=$dir timeout 10 sv -w 1 force-stop "${names[@]}" >/dev/null 2>&1 || true
}

# unshare_pid HOST prints the pid of the host's unshare if it is running.
unshare_pid() {
	local d u
	d=$(host_dir "$1")
	u=$(cat "$d/unshare.pid" 2>/dev/null) || return 1
	is_our_unshare "$u" "$d" || return 1
	echo "$u"
}

no_host_running() {
	local h
	for h in "${HOSTS[@]}"; do
		! unshare_pid "$h" >/dev/null || return 1
	done
}
