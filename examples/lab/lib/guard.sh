# shellcheck shell=bash
# guard.sh — what keeps lab.sh, run as root, from acting on files or
# processes that are not the lab's: the lab directory and its lock must be
# root's, and a host's pid namespace is only swept while the host's init is
# the very process up recorded (pid and start time), never by inode alone.

# check_lab_path dies unless $LAB is a plain absolute path whose parent
# directory only root can rearrange (root's, and sticky if others may write
# to it, as /tmp is), and unless $LAB and $LAB.lock, where they exist, are
# root's and writable by no one else. Otherwise another user could plant a
# lab (hosts/*/init, unshare.pid) that makes root's down kill their pick.
check_lab_path() {
	[[ $LAB == /?* && $LAB != */ && $LAB != *[[:space:]]* && $LAB != */../* && $LAB != */.. ]] ||
		die "MEND_LAB_DIR='$LAB' must be an absolute path without spaces, '..' or a trailing '/'"
	local parent=${LAB%/*} uid mode
	parent=${parent:-/}
	[[ -d $parent ]] || die "$parent (the directory holding MEND_LAB_DIR=$LAB) does not exist"
	read -r uid mode < <(stat -L -c '%u %a' "$parent")
	[[ $uid == 0 ]] || die "$parent (holding MEND_LAB_DIR=$LAB) belongs to uid $uid, not root; that user could swap the lab's files. Put the lab in a directory of root's, e.g. under /tmp"
	((!(8#$mode & 8#022) || (8#$mode & 8#1000))) ||
		die "$parent (holding MEND_LAB_DIR=$LAB) is writable by group or others (mode $mode) and not sticky; use a directory only root can change"
	check_root_owned "$LAB" directory
	check_root_owned "$LAB.lock" "regular file"
}

# check_root_owned PATH TYPE dies unless PATH is missing or is a TYPE
# ("directory" or "regular file"; never a symlink) owned by root and not
# writable by group or others.
check_root_owned() {
	local uid mode type
	[[ -e $1 || -L $1 ]] || return 0
	read -r uid mode type < <(stat -c '%u %a %F' "$1")
	case $2:$type in
	directory:directory | "regular file:regular file" | "regular file:regular empty file") ;;
	*) die "$1 is a $type, not a $2; refusing to use it (remove it, or set MEND_LAB_DIR to another path)" ;;
	esac
	[[ $uid == 0 ]] || die "$1 belongs to uid $uid, not root; refusing to use it (remove it, or set MEND_LAB_DIR to another path)"
	((!(8#$mode & 8#022))) || die "$1 is writable by group or others (mode $mode); refusing to use it (remove it, or set MEND_LAB_DIR to another path)"
}

# make_lab_dir creates $LAB, mode 0700, with the marker that tells a later
# up or down that lab.sh made it. mkdir fails if something got there first.
make_lab_dir() {
	mkdir -m 0700 "$LAB" || die "could not create $LAB"
	echo "mend lab made by lab.sh up on $(date -u +%FT%TZ)" >"$LAB/.mend-lab"
}

# proc_starttime PID prints field 22 of /proc/PID/stat, the process's start
# time in clock ticks since boot: with the pid it names one process for good.
proc_starttime() {
	local s f
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -ra f <<<"${s##*) }" # fields 3 on; comm (field 2) may hold spaces
	[[ -n ${f[19]:-} ]] && echo "${f[19]}"
}

# record_init HOST writes hosts/HOST/init, "PID STARTTIME PIDNS" of the
# host's PID 1 (runsvdir), and hosts/HOST/pidns. It fails until the init runs.
record_init() {
	local d init st ns
	d=$(host_dir "$1")
	init=$(host_init_pid "$1") || return 1
	st=$(proc_starttime "$init") || return 1
	ns=$(stat -L -c %i "/proc/$init/ns/pid" 2>/dev/null) || return 1
	echo "$init $st $ns" >"$d/init"
	echo "$ns" >"$d/pidns"
}

# verified_init HOST prints "PID PIDNS" if the process recorded in
# hosts/HOST/init still runs: same pid, same start time, same namespace.
verified_init() {
	local f pid st ns
	f="$(host_dir "$1")/init"
	[[ -f $f ]] || return 1
	read -r pid st ns <"$f" || return 1
	[[ $pid =~ ^[0-9]+$ && $(proc_starttime "$pid") == "$st" ]] || return 1
	[[ $(stat -L -c %i "/proc/$pid/ns/pid" 2>/dev/null) == "$ns" ]] || return 1
	echo "$pid $ns"
}

# hold_lab_namespaces opens the pid namespace of each host whose init is
# still the one up recorded, and keeps it open (HELD_NS: inode -> fd) until
# release_lab_namespaces. While it is open the kernel cannot free the
# namespace, so its inode cannot be reused: a process found in it later is
# the lab's. A host whose init is gone is not swept (an inode alone proves
# nothing); the kernel has killed that namespace's processes already.
declare -A HELD_NS=()
hold_lab_namespaces() {
	local h pid st ns fd f
	for h in "${HOSTS[@]}"; do
		f="$(host_dir "$h")/init"
		[[ -f $f ]] || continue
		read -r pid st ns <"$f" || continue
		fd=
		if [[ $pid =~ ^[0-9]+$ ]] && { exec {fd}<"/proc/$pid/ns/pid"; } 2>/dev/null &&
			[[ $(proc_starttime "$pid") == "$st" && $(stat -L -c %i "/proc/$$/fd/$fd") == "$ns" ]]; then
			HELD_NS[$ns]=$fd
			continue
		fi
		[[ -z $fd ]] || exec {fd}<&-
		log "down: $h's init (pid $pid) is no longer running; its namespace is not swept"
	done
}

release_lab_namespaces() {
	local ns fd
	for ns in "${!HELD_NS[@]}"; do
		fd=${HELD_NS[$ns]}
		exec {fd}<&-
	done
	HELD_NS=()
}

# kill_namespace_leftovers SIGKILLs any process still in a held lab
# namespace (there should be none once the namespace's init is gone).
kill_namespace_leftovers() {
	local p
	((${#HELD_NS[@]} > 0)) || return 0
	for p in $(stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null | awk -v want="${!HELD_NS[*]}" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ns[w[i]] = 1 }
		($1 in ns) { split($2, f, "/"); print f[3] }'); do
		log "down: killing leftover lab process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
		kill -KILL "$p" 2>/dev/null || true
	done
}
