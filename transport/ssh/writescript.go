package ssh

// writeScript replaces $p atomically with stdin. The caller sets p, want
// (hex sha256 of the content), mode (octal, setuid/setgid/sticky included,
// or empty: keep, or 644), owner, group (empty: keep an existing file's)
// and backup (1 or 0). A chown that fails is fatal, also when only
// keeping the replaced file's owner and group: a login user without the
// right to chown would otherwise silently hand the file to itself. chmod
// comes after chown, which clears setuid and setgid. Every failure exits
// non-zero with a message on stderr before the rename, and the EXIT trap
// removes the temporary file (also on TERM, HUP, INT).
const writeScript = `set -u
if [ -L "$p" ]; then p=$(readlink -f -- "$p") || { echo "cannot resolve symlink $p" >&2; exit 3; }; fi
d=$(dirname -- "$p")
if [ ! -d "$d" ]; then echo "directory $d does not exist" >&2; exit 3; fi
if [ -d "$p" ]; then echo "$p is a directory" >&2; exit 3; fi
t=$(mktemp -- "$d/.$(basename -- "$p").mend-XXXXXX") || exit 3
trap 'rm -f -- "$t"' EXIT
trap 'exit 1' HUP INT TERM
cat > "$t" || exit 4
got=$(sha256sum < "$t") || exit 4
got=${got%% *}
if [ "$got" != "$want" ]; then echo "temporary file has sha256 $got, want $want: content was cut short" >&2; exit 4; fi
if [ -z "$mode" ]; then
  if [ -e "$p" ]; then mode=$(stat -c %a -- "$p") || exit 4; else mode=644; fi
fi
spec=; why=requested
if [ -e "$p" ]; then spec=$(stat -c '%u:%g' -- "$p") && why="kept from the file it replaces: $(stat -c '%U:%G' -- "$p")" || exit 4; fi
if [ -n "$owner" ] && [ -n "$group" ]; then spec="$owner:$group"; why=requested
elif [ -n "$owner" ]; then spec="$owner${spec:+:${spec#*:}}"; why=requested
elif [ -n "$group" ]; then spec="${spec%%:*}:$group"; why=requested
fi
if [ -n "$spec" ] && ! e=$(chown -- "$spec" "$t" 2>&1); then
  echo "cannot give the new $p owner:group $spec ($why): $e" >&2; exit 4
fi
chmod "$mode" "$t" || exit 4
sync -- "$t" 2>/dev/null || sync
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
got=$(sha256sum < "$p") || exit 7
echo "sha256 ${got%% *}"
`
