#!/usr/bin/env bash
# bench.sh: mend against OpenSSH on the same work, the same loopback sshd,
# in one hyperfine run per workload (issue 12). Not run in CI. Prints
# hyperfine's tables (mean, min, max, relative); compare ratios within a
# table, never absolute times across runs or machines.
#
#   ./scripts/bench.sh [-r RUNS] [-o OUT.md]
#   BENCH_ONLY=WORD / BENCH_SKIP=WORD: run only / skip the workloads whose
#   title contains WORD (e.g. BENCH_SKIP=1,000 leaves out the slowest)
#
# Needs: go, hyperfine (apt-get install hyperfine), OpenSSH client and
# server (sshd is started here on 127.0.0.1 with its own config and keys;
# every "host" is an alias of it, as in /work/shared/BASELINES.md).
# Workloads:
#   fanout  one command on 50 hosts: mend plan (one diagnose) vs
#           xargs -P 50 ssh (curve25519), a new connection per host
#   bastion one command on 50 hosts behind a bastion (the same sshd):
#           mend plan with jump = "hb" vs xargs -P 50 ssh -J hb
#   steps   20 steps on 10 hosts: mend apply vs ssh with one ControlMaster
#           per host (hosts in parallel, steps in sequence)
#   file    1 MiB file replacing an older version on 10 hosts: mend apply
#           (file repair with source) vs ssh 'cat > f && sha256sum -c'
#           (the ssh pipe is this workload's floor), and vs the same pipe
#           with mend's guarantees (temporary file, fsync, rename)
#   validate  mend validate of a runbook installing that file, by source
#           and by file(), beside one with 1 byte of content
#   1,000   one command on 1,000 hosts (aliases of 3 sshds): mend plan vs
#           xargs -P 50 ssh (curve25519); then one mend run each without and
#           with --max-connections, measured for wall time, peak RSS, peak
#           descriptors and peak sockets (sampled from /proc)
#   audit   start-up with a 1 GiB audit log vs an empty one: mend plan of
#           one local step (the log is written once per bench run, in the
#           work dir, by go test -bench WriteBenchLog ./audit/)
# steps and file have a row with MEND_SSH_RUNNER=0 (a session per command,
# as before the runner). fanout and steps have a row for the floor: scripts/benchfloor, an
# x/crypto client that only connects (curve25519) and runs the workload's
# commands in one session per host; steps has a second floor row where
# each command runs as mend runs every step, in a process group of its
# own (setsid -w sh -c). Under each table, "ratios:" gives
# mend's mean over each other row's.
# mend writes a fsynced audit log in each run, as in production.
# CPU profile of any mend run: add --cpuprofile FILE (hidden flag).
set -euo pipefail

runs=5
out=
while getopts r:o: opt; do
  case $opt in
    r) runs=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-r RUNS] [-o OUT.md]" >&2; exit 2 ;;
  esac
done

for bin in go hyperfine ssh ssh-keygen /usr/sbin/sshd xargs sha256sum; do
  command -v "$bin" >/dev/null || { echo "bench.sh: $bin is missing (hyperfine: apt-get install hyperfine)" >&2; exit 1; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
w=$(mktemp -d /tmp/mend-bench.XXXXXX)
sshd_pid=
more_sshd_pids=() # the 1,000-host workload's other sshds
cleanup() {
  if [ -n "$sshd_pid" ]; then kill "$sshd_pid" 2>/dev/null || true; fi
  for p in "${more_sshd_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf -- "$w"
}
trap cleanup EXIT

echo "bench.sh: building mend" >&2
(cd "$root" && go build -o "$w/mend" ./cmd/mend)
# The floor (issue 12): scripts/benchfloor, the least an x/crypto client
# does for the work (handshake, curve25519, one session per host running
# every command of the workload, nothing else).
(cd "$root" && go build -o "$w/benchfloor" ./scripts/benchfloor)

# sshd on a free loopback port, its own keys and config.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$w/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$w/id"
cp "$w/id.pub" "$w/authorized_keys"
user=$(id -un)
cat > "$w/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $w/host_key
PidFile $w/sshd.pid
AuthorizedKeysFile $w/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
UseDNS no
SetEnv SHLVL=1
MaxSessions 100
MaxStartups 200:30:400
EOF
/usr/sbin/sshd -D -f "$w/sshd_config" -E "$w/sshd.log" &
sshd_pid=$!
for _ in $(seq 100); do
  grep -q "Server listening" "$w/sshd.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "Server listening" "$w/sshd.log" || { echo "bench.sh: sshd did not start: $(cat "$w/sshd.log")" >&2; exit 1; }
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$w/host_key.pub")" > "$w/known_hosts"

# OpenSSH: every host alias h0..h49 is that sshd.
cat > "$w/ssh_config" <<EOF
Host h*
  HostName 127.0.0.1
  Port $port
  User $user
  IdentityFile $w/id
  IdentitiesOnly yes
  UserKnownHostsFile $w/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  KexAlgorithms curve25519-sha256
  ControlPath $w/cm-%n
EOF

# mend: the same aliases in an inventory.
inventory() { # N
  printf 'defaults {\n  user          = "%s"\n  port          = %d\n  identity_file = "%s"\n  known_hosts   = "%s"\n}\n' "$user" "$port" "$w/id" "$w/known_hosts"
  for i in $(seq 0 $(($1 - 1))); do
    printf 'host "h%d" {\n  address = "127.0.0.1"\n  groups  = ["all"]\n}\n' "$i"
  done
}
inventory 50 > "$w/inv50.mend.hcl"
# The same 50 hosts behind a bastion (the same sshd; each host is then a
# direct-tcpip channel from it to 127.0.0.1).
{ inventory 50 | sed 's/^  groups  = \["all"\]$/  groups  = ["all"]\n  jump    = "hb"/'
  printf 'host "hb" {\n  address = "127.0.0.1"\n}\n'; } > "$w/inv50jump.mend.hcl"
inventory 10 > "$w/inv10.mend.hcl"
seq 0 49 | sed 's/^/h/' > "$w/hosts50"
seq 0 9 | sed 's/^/h/' > "$w/hosts10"

printf 'diagnose "command" "uptime" {\n  on      = "all"\n  command = "uptime"\n}\n' > "$w/fanout.mend.hcl"
: > "$w/steps.mend.hcl"
for s in $(seq 1 20); do
  printf 'diagnose "command" "s%d" {\n  on      = "all"\n  command = "true"\n}\n' "$s" >> "$w/steps.mend.hcl"
done
cat > "$w/steps_openssh.sh" <<EOF
#!/bin/sh
# one host: a master connection, twenty multiplexed steps, exit
h=\$1
ssh -F $w/ssh_config -o ControlMaster=yes -o ControlPersist=30 -fN "\$h"
for s in \$(seq 1 20); do ssh -F $w/ssh_config "\$h" true; done
ssh -F $w/ssh_config -O exit "\$h" 2>/dev/null
EOF
chmod +x "$w/steps_openssh.sh"

# 1 MiB of configuration-like text, and an older version (line 1000 differs).
mkdir -p "$w/files" "$w/targets"
awk 'BEGIN { for (i = 0; n < 1048576; i++) { l = sprintf("server_name host-%06d.example.org; # upstream %d", i, i % 7); print l; n += length(l) + 1 } }' > "$w/files/big.conf"
sed 's/host-000999\.example\.org/host-000999.example.com/' "$w/files/big.conf" > "$w/old.conf"
sum=$(sha256sum < "$w/files/big.conf" | cut -d' ' -f1)
cat > "$w/file.mend.hcl" <<EOF
repair "file" "big" {
  on     = "all"
  path   = "$w/targets/\${host.name}.conf"
  source = "files/big.conf"
}
EOF
reset_files="for i in \$(seq 0 9); do cp $w/old.conf $w/targets/h\$i.conf; done"
cat > "$w/file_openssh.sh" <<EOF
#!/bin/sh
h=\$1
ssh -F $w/ssh_config "\$h" "cat > $w/targets/\$h.conf && echo '$sum  $w/targets/\$h.conf' | sha256sum -c --quiet" < $w/files/big.conf
EOF
chmod +x "$w/file_openssh.sh"
# The same with what mend's write guarantees: a temporary file, fsynced,
# its sha256 checked, renamed over the target, the directory fsynced.
cat > "$w/file_openssh_atomic.sh" <<EOF
#!/bin/sh
h=\$1
t=$w/targets/\$h.conf
ssh -F $w/ssh_config "\$h" "cat > \$t.tmp && sync \$t.tmp && echo '$sum  \$t.tmp' | sha256sum -c --quiet && mv \$t.tmp \$t && sync $w/targets" < $w/files/big.conf
EOF
chmod +x "$w/file_openssh_atomic.sh"

mend="$w/mend"
floor="$w/benchfloor -addr 127.0.0.1:$port -user $user -i $w/id -known-hosts $w/known_hosts"
audit="--audit-log $w/audit.jsonl"
md=$w/results.md
load() { uptime | sed 's/.*load average: //'; }
{
  echo "mend bench.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(ssh -V 2>&1), load average before: $(load)"
  echo
} > "$md"

# ratios JSON: the first command's mean over each other command's, one line.
ratios() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print("ratios: " + "; ".join("%s / %s = %.2fx" % (r[0]["command"], o["command"], r[0]["mean"] / o["mean"]) for o in r[1:]))
PY
}

wants() { # title: run this workload? (BENCH_ONLY, BENCH_SKIP)
  if [ -n "${BENCH_SKIP:-}" ] && [[ $1 == *"$BENCH_SKIP"* ]]; then return 1; fi
  [ -z "${BENCH_ONLY:-}" ] || [[ $1 == *"$BENCH_ONLY"* ]]
}

hf() { # title, hyperfine args...
  local title=$1; shift
  # BENCH_ONLY=WORD runs only the workloads whose title contains WORD;
  # BENCH_SKIP=WORD skips those whose title contains it.
  wants "$title" || return 0
  echo "### $title" >> "$md"
  hyperfine -N -w 1 -r "$runs" --export-markdown "$w/part.md" --export-json "$w/part.json" "$@" >&2
  cat "$w/part.md" >> "$md"
  ratios "$w/part.json" >> "$md"
  echo "(load average after: $(load))" >> "$md"
  echo >> "$md"
}

hf "one command on 50 hosts" \
  -n "mend plan (parallelism 50)" "$mend plan $audit -parallelism 50 -i $w/inv50.mend.hcl $w/fanout.mend.hcl" \
  -n "ssh, xargs -P 50, curve25519" "sh -c 'xargs -P 50 -I{} ssh -F $w/ssh_config {} uptime < $w/hosts50 > /dev/null'" \
  -n "floor (benchfloor, parallelism 50)" "$floor -n 50 -p 50 uptime"
hf "one command on 50 hosts through a bastion" \
  -n "mend plan (jump, parallelism 50)" "$mend plan $audit -parallelism 50 -i $w/inv50jump.mend.hcl $w/fanout.mend.hcl" \
  -n "ssh -J, xargs -P 50, curve25519" "sh -c 'xargs -P 50 -I{} ssh -F $w/ssh_config -J hb {} uptime < $w/hosts50 > /dev/null'"
hf "20 steps on 10 hosts" \
  -n "mend apply" "$mend apply $audit -i $w/inv10.mend.hcl $w/steps.mend.hcl" \
  -n "mend apply, MEND_SSH_RUNNER=0" "env MEND_SSH_RUNNER=0 $mend apply $audit -i $w/inv10.mend.hcl $w/steps.mend.hcl" \
  -n "ssh, ControlMaster per host, xargs -P 10" "sh -c 'xargs -P 10 -n 1 $w/steps_openssh.sh < $w/hosts10'" \
  -n "floor (benchfloor, 20 commands in one session per host)" "$floor -n 10 -p 10 -k 20 true" \
  -n "floor, each command its own process group (benchfloor, 20 x setsid -w sh -c true)" "$floor -n 10 -p 10 -k 20 setsid -w /bin/sh -c true"
hf "1 MiB file replacing an older one on 10 hosts" --prepare "sh -c '$reset_files'" \
  -n "mend apply (file repair, source)" "$mend apply $audit -i $w/inv10.mend.hcl $w/file.mend.hcl" \
  -n "mend apply (file repair, source), MEND_SSH_RUNNER=0" "env MEND_SSH_RUNNER=0 $mend apply $audit -i $w/inv10.mend.hcl $w/file.mend.hcl" \
  -n "ssh pipe, xargs -P 10" "sh -c 'xargs -P 10 -n 1 $w/file_openssh.sh < $w/hosts10'" \
  -n "ssh pipe, atomic and durable (temp, fsync, sha256, rename), xargs -P 10" "sh -c 'xargs -P 10 -n 1 $w/file_openssh_atomic.sh < $w/hosts10'"

# validate of a runbook installing the 1 MiB file (issue 12: under 50 ms),
# by source and by file(), beside one with a one-byte content (start-up).
vrb() { printf 'repair "file" "big" {\n  on   = "all"\n  path = "/etc/big.conf"\n  %s\n}\n' "$1"; }
vrb 'source = "files/big.conf"' > "$w/validate_source.mend.hcl"
vrb 'content = file("files/big.conf")' > "$w/validate_file.mend.hcl"
vrb 'content = "x"' > "$w/validate_tiny.mend.hcl"
hf "validate of a runbook installing a 1 MiB file" \
  -n "mend validate (source)" "$mend validate $w/validate_source.mend.hcl" \
  -n "mend validate (file())" "$mend validate $w/validate_file.mend.hcl" \
  -n "mend validate (1-byte content)" "$mend validate $w/validate_tiny.mend.hcl"

# --- 1,000 hosts, and start-up with a large audit log (issue 12, scale) ---

# peak.py CMD...: runs CMD, sampling its /proc every 10 ms; prints a
# markdown row: wall time, peak RSS (wait4's ru_maxrss), peak open
# descriptors, peak sockets, exit status.
cat > "$w/peak.py" <<'PY'
import os, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
fds = socks = 0
while True:
    pid, status, ru = os.wait4(p.pid, os.WNOHANG)
    if pid:
        break
    try:
        names = os.listdir(f"/proc/{p.pid}/fd")
        fds = max(fds, len(names))
        n = 0
        for f in names:
            try:
                n += os.readlink(f"/proc/{p.pid}/fd/{f}").startswith("socket:")
            except OSError:
                pass
        socks = max(socks, n)
    except OSError:
        pass
    time.sleep(0.01)
print(f"| {time.monotonic() - t0:.2f} s | {ru.ru_maxrss / 1024:.1f} MiB | {fds} | {socks} | {os.waitstatus_to_exitcode(status)} |")
PY

# start_sshd N: another sshd like the first (same keys and users) on a
# free port, set in new_port.
start_sshd() {
  local p
  p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  sed -e "s/^ListenAddress .*/ListenAddress 127.0.0.1:$p/" -e "s|^PidFile .*|PidFile $w/sshd$1.pid|" "$w/sshd_config" > "$w/sshd$1.config"
  /usr/sbin/sshd -D -f "$w/sshd$1.config" -E "$w/sshd$1.log" < /dev/null > /dev/null 2>&1 &
  more_sshd_pids+=($!)
  for _ in $(seq 100); do
    grep -q "Server listening" "$w/sshd$1.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "Server listening" "$w/sshd$1.log" || { echo "bench.sh: sshd $1 did not start: $(cat "$w/sshd$1.log")" >&2; exit 1; }
  echo "[127.0.0.1]:$p $(cut -d' ' -f1,2 "$w/host_key.pub")" >> "$w/known_hosts"
  new_port=$p
}

t1000="1,000 hosts, one diagnose"
if wants "$t1000"; then
  ports=("$port")
  for k in 1 2; do
    start_sshd "$k"
    ports+=("$new_port")
  done
  { printf 'defaults {\n  user          = "%s"\n  identity_file = "%s"\n  known_hosts   = "%s"\n}\n' "$user" "$w/id" "$w/known_hosts"
    for i in $(seq 0 999); do
      printf 'host "k%d" {\n  address = "127.0.0.1"\n  port    = %d\n  groups  = ["all"]\n}\n' "$i" "${ports[i % 3]}"
    done; } > "$w/inv1000.mend.hcl"
  { for i in $(seq 0 999); do printf 'Host k%d\n  Port %d\n' "$i" "${ports[i % 3]}"; done
    sed -n '/^Host h\*/,$p' "$w/ssh_config" | sed -e '1s/.*/Host k*/' -e '/^  Port /d'; } >> "$w/ssh_config"
  seq 0 999 | sed 's/^/k/' > "$w/hosts1000"
  hf "$t1000" \
    -n "mend plan (parallelism 50)" "$mend plan $audit -parallelism 50 -i $w/inv1000.mend.hcl $w/fanout.mend.hcl" \
    -n "ssh, xargs -P 50, curve25519" "sh -c 'xargs -P 50 -I{} ssh -F $w/ssh_config {} uptime < $w/hosts1000 > /dev/null'"
  {
    echo "mend plan over 1,000 hosts, one run each, sampled from /proc every 10 ms (load average before: $(load)):"
    echo
    echo "| mend plan | wall | peak RSS | peak fds | peak sockets | exit |"
    echo "|---|---:|---:|---:|---:|---:|"
    for flags in "-parallelism 50" "-parallelism 50 --max-connections 20"; do
      # shellcheck disable=SC2086 # flags are words
      echo "| $flags $(python3 "$w/peak.py" $mend plan $audit $flags -i "$w/inv1000.mend.hcl" "$w/fanout.mend.hcl")"
    done
    echo "(load average after: $(load))"
    echo
  } >> "$md"
fi

tlog="start-up with a 1 GiB audit log vs an empty one"
if wants "$tlog"; then
  echo "bench.sh: writing a 1 GiB audit log" >&2
  (cd "$root" && MEND_BENCH_AUDIT_LOG="$w/biglog/audit.jsonl" go test -run '^$' -bench WriteBenchLog -benchtime 1x ./audit/ > /dev/null)
  mkdir -p "$w/emptylog"
  printf 'host "box" {\n  address = "local"\n}\n' > "$w/local.mend.hcl"
  printf 'diagnose "command" "true" {\n  on      = "box"\n  command = "true"\n}\n' > "$w/local_rb.mend.hcl"
  hf "$tlog" \
    -n "mend plan, 1 GiB audit log" "$mend plan --audit-log $w/biglog/audit.jsonl -i $w/local.mend.hcl $w/local_rb.mend.hcl" \
    -n "mend plan, empty audit log" "$mend plan --audit-log $w/emptylog/audit.jsonl -i $w/local.mend.hcl $w/local_rb.mend.hcl"
fi

if [ -z "${BENCH_ONLY:-}" ]; then cmp "$w/files/big.conf" "$w/targets/h9.conf"; fi
cat "$md"
if [ -n "$out" ]; then cp "$md" "$out"; fi
