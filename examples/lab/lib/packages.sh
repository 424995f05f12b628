# shellcheck shell=bash
# packages.sh — make sure the Debian packages the lab runs are installed.

# command : Debian package that provides it
REQUIRED=(
	"sshd:openssh-server" "ssh:openssh-client" "ssh-keygen:openssh-client"
	"etcd:etcd-server" "etcdctl:etcd-client"
	"runsvdir:runit" "sv:runit" "svlogd:runit"
	"puppet:puppet" "openssl:openssl" "curl:curl"
	"unshare:util-linux" "flock:util-linux" "ss:iproute2"
)

# ensure_packages installs (with apt-get) the packages whose commands are
# missing, and says so. The Go toolchain cannot come from here: it must be
# on PATH already to build the apiserver stand-in.
ensure_packages() {
	local entry missing=()
	for entry in "${REQUIRED[@]}"; do
		command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
	done
	command -v go >/dev/null 2>&1 || die "'go' is not on PATH; the lab builds its kube-apiserver stand-in with it"
	((${#missing[@]} == 0)) && return 0
	mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
	log "installing missing Debian packages: ${missing[*]} (apt-get, about 20 s)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	apt-get install -y -qq "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
	for entry in "${REQUIRED[@]}"; do
		command -v "${entry%%:*}" >/dev/null 2>&1 || die "still missing '${entry%%:*}' after installing ${entry#*:}"
	done
}
