# shellcheck shell=bash
# outputs.sh — what the lab hands to mend and to people: the client key,
# known_hosts, an ssh_config, the inventory, runbook variables, lab.env.

make_client_key() {
	mkdir -p "$LAB/ssh"
	ssh-keygen -q -t ed25519 -N '' -C "mend-lab" -f "$LAB/ssh/id_lab"
}

write_outputs() {
	write_known_hosts >"$LAB/ssh/known_hosts"
	write_ssh_config >"$LAB/ssh/ssh_config"
	write_inventory >"$LAB/inventory.mend.hcl"
	write_vars >"$LAB/lab.vars.hcl"
	write_env >"$LAB/lab.env"
}

# known_hosts lines are "ADDRESS ssh-ed25519 AAAA..." (port 22, so no [ ]:port).
write_known_hosts() {
	local h
	for h in "${HOSTS[@]}"; do
		printf '%s %s\n' "$(addr_of "$h")" "$(cut -d' ' -f1,2 "$(host_dir "$h")/etc-lab/ssh/ssh_host_ed25519_key.pub")"
	done
}

write_ssh_config() {
	local h
	echo "# mend lab: ssh -F $LAB/ssh/ssh_config k8s-master"
	for h in "${HOSTS[@]}"; do
		printf 'Host %s\n  HostName %s\n' "$h" "$(addr_of "$h")"
	done
	cat <<-EOF
		Host *
		  User root
		  Port 22
		  IdentityFile $LAB/ssh/id_lab
		  IdentitiesOnly yes
		  UserKnownHostsFile $LAB/ssh/known_hosts
		  GlobalKnownHostsFile /dev/null
		  StrictHostKeyChecking yes
		  BatchMode yes
		  ConnectTimeout 5
		  LogLevel ERROR
		  # sntrup761 costs ~150 ms per connection on the lab machine.
		  KexAlgorithms curve25519-sha256
	EOF
}

write_inventory() {
	local h
	cat <<-EOF
		# mend lab inventory (written by examples/lab/lab.sh up)
		defaults {
		  user          = "root"
		  identity_file = "$LAB/ssh/id_lab"
		  known_hosts   = "$LAB/ssh/known_hosts"
		}

	EOF
	printf 'host "%s" {\n  address = "%s"\n  groups  = ["k8s", "masters"]\n}\n\n' "$MASTER" "$(addr_of "$MASTER")"
	for h in "${ETCD_HOSTS[@]}"; do
		# vars: the member's facts for the etcd runbooks (host.vars.NAME).
		printf 'host "%s" {\n  address = "%s"\n  groups  = ["etcd"]\n' "$h" "$(addr_of "$h")"
		printf '  vars    = {\n    etcd_name       = "%s"\n    etcd_peer_url   = "https://%s:2380"\n    etcd_client_url = "https://%s:2379"\n    etcd_data_dir   = "/var/lib/etcd/default"\n  }\n}\n\n' "$h" "$(addr_of "$h")" "$(addr_of "$h")"
	done
}

# write_vars: the facts a runbook for the incident needs, as HCL attributes
# named like the variables of examples/toolforge-2019-09-10 (a value for an
# undeclared variable is a warning in mend, so other facts are comments).
write_vars() {
	local h eps=() hosts=()
	for h in "${ETCD_HOSTS[@]}"; do
		eps+=("\"$(addr_of "$h"):2379\"")
		hosts+=("\"$h\"")
	done
	cat <<-EOF
		# mend lab variables (written by examples/lab/lab.sh up). Paths are
		# as seen on the hosts, over ssh.
		apiserver_host    = "$MASTER"
		apiserver_readyz  = "$(apiserver_url)/readyz?verbose"
		apiserver_service = "kube-apiserver"
		supervisor        = "runit"
		svdir             = "$SVDIR"
		apiserver_log     = "/var/log/kube-apiserver/current"
		apiserver_ca      = "$APISERVER_CA"
		apiserver_cert    = "/var/lib/kubernetes/ssl/certs/cert.pem"
		apiserver_key     = "/var/lib/kubernetes/ssl/private_keys/server.key"
		puppet_ca         = "$PUPPET_CA"
		puppet_run        = "$PUPPET_RUN"
		puppet_noop       = "$PUPPET_RUN --noop"
		puppet_summary    = "$PUPPET_SUMMARY"
		etcd_hosts        = [$(join_list "${hosts[@]}")]
		etcd_endpoints    = [$(join_list "${eps[@]}")]
		etcd_ca           = "$ETCD_CA"
		etcd_ca_host      = "${ETCD_HOSTS[0]}"

		# Other facts, for runbooks that need them:
		#   apiserver run script  $SVDIR/kube-apiserver/run
		#   puppet disable lock   $PUPPET_LOCK
		#   etcd service          "etcd" in $SVDIR on each etcd host
		#   etcd data dir         /var/lib/etcd/default
		#   etcd member certs     /etc/etcd/ssl/server.pem, /etc/etcd/ssl/server.key
	EOF
}

# join_list A B C prints "A, B, C".
join_list() {
	local first=$1
	shift
	printf '%s' "$first"
	printf ', %s' "$@"
}

# write_env: lab.env, also what `lab.sh env` prints (shell syntax).
write_env() {
	cat <<-EOF
		MEND_LAB_DIR=$LAB
		MEND_LAB_NET=$NET
		MEND_LAB_INVENTORY=$LAB/inventory.mend.hcl
		MEND_LAB_VARS=$LAB/lab.vars.hcl
		MEND_LAB_SSH_CONFIG=$LAB/ssh/ssh_config
		MEND_LAB_IDENTITY=$LAB/ssh/id_lab
		MEND_LAB_KNOWN_HOSTS=$LAB/ssh/known_hosts
		MEND_LAB_APISERVER_URL=$(apiserver_url)
		MEND_LAB_ETCD_ENDPOINTS=$(etcd_endpoints)
		MEND_LAB_ETCD_CA=$LAB/pki/etcd-ca.pem
		MEND_LAB_BAD_CA=$LAB/pki/new-puppet-ca.pem
		MEND_LAB_ETCD_CLIENT_CERT=$LAB/pki/etcdctl.pem
		MEND_LAB_ETCD_CLIENT_KEY=$LAB/pki/etcdctl.key
		MEND_LAB_HOSTS_DIR=$LAB/hosts
	EOF
}
