package ssh

// writeScript replaces $p atomically with stdin. The caller sets p, want
// (hex sha256 of the content), mode (octal, setuid/setgid/sticky included,
// or empty: keep, or 644), owner, group (empty: keep an existing file's),
// backup (1 or 0), r (a random token, [A-Z2-7]) and ifc (empty, or the
// hex sha256 the file must still have, or "absent": else exit 8 before
// the rename, nothing changed). It prints "sha256 <hex>", the digest of
// the bytes written (computed here, of the temporary file that was
// renamed), and "stat <octal mode> <uid> <gid> <user> <group>" of that
// temporary file as renamed (a rename keeps the inode's metadata), so the
// caller verifies without reading it back. A chown that fails is fatal,
// also when only keeping the replaced file's owner and group: a login user
// without the right to chown would otherwise silently hand the file to
// itself. chmod comes after chown, which clears setuid and setgid.
//
// The content goes to the temporary file through dd conv=fsync: written
// and synced by one program (a chown or chmod after it is synced again).
// Every program started costs: one sha256sum hashes the temporary file and
// (with ifc) the target, one stat reads the metadata of both, and chown,
// chmod and a second stat run only when the temporary file does not
// already have the owner, group and mode wanted (the usual case for a
// file replaced by its owner with its mode kept is no chown, no chmod).
// Every failure exits non-zero with a message on stderr before the rename.
//
// A killed write leaves nothing behind. The temporary file's name,
// .<name>.mend-<pid of this shell>-<r>, is set and the traps are installed
// before the file is created (O_EXCL, through set -C), so a signal at any
// point removes it. HUP, INT, TERM and PIPE run the EXIT trap instead of
// killing the shell outright: when the client dies mid-write, dd sees
// end of input, the hash check fails, and the message to a stderr nobody
// reads raises SIGPIPE, which must not skip the cleanup. dd runs in the
// background and the script waits for it: a shell runs a trap only after
// its foreground command ends, and a dd that started just after the
// signal would wait for input that may never end, until a SIGKILL. The
// EXIT trap kills dd (KILL: a TERM can reach it before its exec and be
// lost) and waits for it before removing the file. dd writes to a
// descriptor the shell opened, never to the name: a signal whose trap runs
// between the fork and c=$! leaves c empty, and a dd that opened the name
// itself would create the file again after the trap removed it. Only SIGKILL of the shell itself can leave the file; so each write first removes the
// temporary files of earlier writes to the same path whose writing shell
// is gone (no such pid), printing "leftover <path>" for each. A file in
// the older mktemp form (.<name>.mend-XXXXXX, no pid) is removed once it
// has been untouched for an hour.
const writeScript = `set -u
if [ -L "$p" ]; then p=$(readlink -f -- "$p") || { echo "cannot resolve symlink $p" >&2; exit 3; }; fi
case $p in
  */|*//*|*/./*|*/../*|*/.|*/..) d=$(dirname -- "$p"); b=$(basename -- "$p") ;;
  *) d=${p%/*}; d=${d:-/}; b=${p##*/} ;;
esac
if [ ! -d "$d" ]; then echo "directory $d does not exist" >&2; exit 3; fi
if [ -d "$p" ]; then echo "$p is a directory" >&2; exit 3; fi
t="$d/.$b.mend-$$-$r"
c=
trap 'if [ -n "$c" ]; then kill -s KILL "$c" 2>/dev/null; wait "$c"; fi; rm -f -- "$t"' EXIT
trap 'exit 1' HUP INT TERM PIPE
for f in "$d/.$b.mend-"*; do
  if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
  id=${f##*.mend-}; pid=${id%%-*}
  case $id in
    *[!0-9a-zA-Z-]*) continue ;;
    [0-9]*-?*) case $pid in *[!0-9]*) continue ;; esac
      if kill -0 "$pid" 2>/dev/null || [ -d "/proc/$pid" ]; then continue; fi ;;
    ??????) [ -n "$(find "$f" -prune -mmin +60 2>/dev/null)" ] || continue ;;
    *) continue ;;
  esac
  rm -f -- "$f" && echo "leftover $f"
done
set -C
if ! true 2>/dev/null > "$t"; then t=; echo "cannot create a temporary file in $d" >&2; exit 3; fi
set +C
exec 3<&0 4>>"$t"
dd bs=64k conv=fsync status=none <&3 >&4 & c=$!
wait "$c" || exit 4
c=; exec 3<&- 4>&-
if [ -n "${ifc:-}" ] && [ -e "$p" ]; then s=$(sha256sum -- "$t" "$p") || exit 4; else s=$(sha256sum -- "$t") || exit 4; fi
got=${s#\\}; got=${got%%" "*}
if [ "$got" != "$want" ]; then echo "temporary file has sha256 $got, want $want: content was cut short" >&2; exit 4; fi
if [ -n "${ifc:-}" ]; then
  now=absent; if [ -e "$p" ]; then now=${s#*"
"}; now=${now#\\}; now=${now%%" "*}; fi
  if [ "$now" != "$ifc" ]; then echo "$p changed since it was read (sha256 now $now, was $ifc)" >&2; exit 8; fi
fi
if [ -e "$p" ]; then st=$(stat -c '%a %u %g %U %G' -- "$t" "$p") || exit 4; else st=$(stat -c '%a %u %g %U %G' -- "$t") || exit 4; fi
set -- $st
spec=; why=requested
if [ $# -ge 10 ]; then
  spec=$7:$8; why="kept from the file it replaces: $9:${10}"
  if [ -z "$mode" ]; then mode=$6; fi
elif [ -z "$mode" ]; then mode=644
fi
if [ -n "$owner" ] && [ -n "$group" ]; then spec="$owner:$group"; why=requested
elif [ -n "$owner" ]; then spec="$owner${spec:+:${spec#*:}}"; why=requested
elif [ -n "$group" ]; then spec="${spec%%:*}:$group"; why=requested
fi
case $spec in *:*) so=${spec%%:*}; sg=${spec#*:} ;; *) so=$spec; sg= ;; esac
is() { [ -z "$1" ] || [ "$1" = "$2" ] || [ "$1" = "$3" ]; }
m=${mode#"${mode%%[!0]*}"}
if is "$so" "$2" "$4" && is "$sg" "$3" "$5" && [ "$m" = "$1" ]; then
  st="$1 $2 $3 $4 $5"
else
  if [ -n "$spec" ] && ! e=$(chown -- "$spec" "$t" 2>&1); then
    echo "cannot give the new $p owner:group $spec ($why): $e" >&2; exit 4
  fi
  chmod "$mode" "$t" || exit 4
  st=$(stat -c '%a %u %g %U %G' -- "$t") || exit 4
  sync -- "$t" 2>/dev/null || sync
fi
if [ "$backup" = 1 ] && [ -e "$p" ]; then
  b="$p.mend-backup-$(date +%s)"; n=0
  while [ -e "$b" ] || [ -L "$b" ]; do
    n=$((n+1)); if [ $n -gt 100 ]; then echo "no free backup name for $p" >&2; exit 5; fi
    b="$p.mend-backup-$(date +%s).$n"
  done
  ln -- "$p" "$b" 2>/dev/null || cp -p -- "$p" "$b" || { echo "backup of $p to $b failed" >&2; exit 5; }
  echo "backup $b"
fi
mv -f -- "$t" "$p" || exit 6
trap - EXIT
sync -- "$d" 2>/dev/null || sync
echo "sha256 $got"
echo "stat $st"
`
