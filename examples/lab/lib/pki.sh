# shellcheck shell=bash
# pki.sh — the lab's certificates, made with openssl in $LAB/pki.
#
# As at Toolforge in 2019, etcd and the apiserver use certificates signed by
# the puppet CA ("Puppet CA: lab-puppetmaster", here etcd-ca.pem). The
# incident's replacement CA, new-puppet-ca.pem, has the same subject and a
# different key: it did not sign anything the lab serves.

CA_SUBJECT="/CN=Puppet CA: lab-puppetmaster"

make_pki() {
	local p=$LAB/pki h
	mkdir -p "$p"
	make_ca "$p/etcd-ca"
	make_ca "$p/new-puppet-ca"
	for h in "${ETCD_HOSTS[@]}"; do
		# Peers connect from 127.0.0.1, and etcd checks a peer's client
		# certificate against that address: hence IP:127.0.0.1 and localhost.
		make_leaf "$p/$h" "$h" "IP:$(addr_of "$h"),IP:127.0.0.1,DNS:localhost,DNS:$h"
	done
	make_leaf "$p/$MASTER" "$MASTER" "IP:$(addr_of "$MASTER"),DNS:$MASTER"
	make_leaf "$p/etcdctl" "root" "DNS:localhost" # lab.sh's own etcd client
	rm -f "$p"/*.csr "$p"/*.ext "$p"/*.srl
}

# make_ca PREFIX writes PREFIX.pem and PREFIX.key: an RSA CA like Puppet's.
make_ca() {
	cat >"$1.ext" <<-'EOF'
		[req]
		distinguished_name = dn
		[dn]
		[ca]
		basicConstraints = critical,CA:TRUE
		keyUsage = critical,keyCertSign,cRLSign
		subjectKeyIdentifier = hash
	EOF
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "$CA_SUBJECT" \
		-config "$1.ext" -extensions ca -keyout "$1.key" -out "$1.pem" 2>/dev/null ||
		die "openssl could not make CA $1.pem"
	chmod 600 "$1.key"
}

# make_leaf PREFIX CN SAN writes PREFIX.pem and PREFIX.key, an ECDSA
# server+client certificate signed by the etcd CA.
make_leaf() {
	local prefix=$1 cn=$2 san=$3 ca=$LAB/pki/etcd-ca
	cat >"$prefix.ext" <<-EOF
		basicConstraints = critical,CA:FALSE
		keyUsage = critical,digitalSignature,keyEncipherment
		extendedKeyUsage = serverAuth,clientAuth
		subjectAltName = $san
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
	EOF
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
		-config "$ca.ext" -keyout "$prefix.key" -out "$prefix.csr" 2>/dev/null ||
		die "openssl could not make a key and request for $prefix.pem"
	openssl x509 -req -in "$prefix.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
		-CAserial "$ca.srl" -days 825 -extfile "$prefix.ext" -out "$prefix.pem" 2>/dev/null ||
		die "openssl could not sign $prefix.pem"
	chmod 600 "$prefix.key"
}
