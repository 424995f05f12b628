#!/bin/sh
# boot.sh HOST HOSTDIR — the init of one mend lab host.
#
# lab.sh runs it through `unshare --mount --propagation private --uts --pid
# --fork --mount-proc`, so it is PID 1 of fresh namespaces. It names the
# host, binds the host's own directories over the system paths listed in
# HOSTDIR/mounts (so this host has its own /etc/lab, /var/lib/puppet, ...),
# then becomes runsvdir on /etc/lab/service (never /etc/service: that one
# would start the system's sshd). runsvdir as PID 1: SIGHUP stops every
# service and exits, and the kernel then ends the rest of the namespace.
set -eu
host=$1
dir=$2
hostname "$host"
while read -r src dst; do
	mount --bind "$dir/$src" "$dst"
done <"$dir/mounts"
echo "boot: $host up, mounts bound, starting runsvdir"
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	SVDIR=/etc/lab/service HOME=/root LANG=C.UTF-8 \
	runsvdir -P /etc/lab/service 'log: ..........................................................................'
