# shellcheck shell=bash
# incident.sh — put the 2019 incident's broken CA in (break) or take it out
# (heal), the way it happened: through the puppet client CA, a puppet run
# and an apiserver restart, all over ssh on k8s-master.

# do_break: the puppet CA was replaced by one with the same name and a new
# key; puppet copies it to the apiserver's --etcd-cafile; the next restart
# of kube-apiserver cannot reach etcd.
do_break() {
	log "break: installing the new puppet CA ('${CA_SUBJECT#/CN=}', new key) at $MASTER:$PUPPET_CA"
	install_puppet_ca "$LAB/pki/new-puppet-ca.pem"
	run_puppet
	restart_apiserver
	wait_readyz 30 500 "unknown authority" || die "kube-apiserver did not fail readiness with an unknown-authority reason"
	echo broken >"$LAB/state"
	log "break: done; readyz now fails: $(readyz_etcd_line)"
}

# do_heal: the durable fix: the CA that signed etcd's certificates goes to
# the path puppet copies from, puppet runs, kube-apiserver restarts.
do_heal() {
	log "heal: installing the etcd CA at $MASTER:$PUPPET_CA"
	install_puppet_ca "$LAB/pki/etcd-ca.pem"
	run_puppet
	restart_apiserver
	wait_readyz 30 200 "[+]etcd ok" || die "kube-apiserver did not become ready"
	echo healthy >"$LAB/state"
	log "heal: done; readyz: $(readyz_etcd_line)"
}

install_puppet_ca() {
	lab_ssh "$MASTER" "umask 022 && cat >$PUPPET_CA.new && mv $PUPPET_CA.new $PUPPET_CA" <"$1" ||
		die "could not write $PUPPET_CA on $MASTER"
}

# run_puppet runs the lab's puppet on k8s-master; 0 (no change) and 2
# (changed) are fine, anything else stops the lab with puppet's output.
run_puppet() {
	local out rc=0
	out=$(lab_ssh "$MASTER" "$PUPPET_RUN" 2>&1) || rc=$?
	case $rc in
	0 | 2) log "puppet on $MASTER: exit $rc ($(grep -c 'changed\|defined content' <<<"$out") changes)" ;;
	1) die "puppet is disabled on $MASTER: $(head -1 <<<"$out") — 'lab.sh ssh $MASTER puppet agent --enable' lifts it" ;;
	*) die "puppet on $MASTER failed (exit $rc):"$'\n'"$out" ;;
	esac
}

restart_apiserver() {
	lab_ssh "$MASTER" "rm -f $SVDIR/kube-apiserver/down && sv -w 15 restart kube-apiserver" >/dev/null ||
		die "sv restart kube-apiserver failed on $MASTER"
}

# wait_readyz SECONDS CODE TEXT waits until /readyz?verbose answers CODE
# with TEXT in its body.
wait_readyz() {
	wait_until "$1" "readyz to answer $2 with '$3'" readyz_is "$2" "$3"
}

readyz_is() {
	local body code
	body=$(curl -s -m 3 -w '\n%{http_code}' "$(apiserver_url)/readyz?verbose") || return 1
	code=${body##*$'\n'}
	[[ $code == "$1" && $body == *"$2"* ]]
}

readyz_etcd_line() {
	local body code
	body=$(curl -s -m 3 -w '\n%{http_code}' "$(apiserver_url)/readyz?verbose" 2>/dev/null) || {
		echo "no answer from $(apiserver_url)"
		return 0
	}
	code=${body##*$'\n'}
	echo "$code $(grep -m1 'etcd' <<<"$body")"
}
