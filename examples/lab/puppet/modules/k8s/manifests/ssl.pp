# k8s::ssl — copies certificate files from the puppet client ssldir to where
# the Kubernetes binaries read them.
#
# Modelled on wikimedia/operations-puppet modules/k8s/manifests/ssl.pp as it
# was in 2019: /var/lib/kubernetes/ssl/certs/ca.pem is a copy of the puppet
# client CA, so when the puppet CA was replaced, kube-apiserver's
# --etcd-cafile changed with it, and any hand fix of that file was reverted
# on the next puppet run. The durable fix is at the source:
# ${ssldir}/certs/ca.pem. (WMF names the certificate after $::fqdn; the lab
# uses the certname, which puppet.conf sets to the host's name.)
class k8s::ssl(
  Boolean $provide_private = false,
  String $user = 'root',
  String $group = 'root',
  String $ssldir = '/var/lib/puppet/client/ssl',
) {
  $puppet_cert_name = $trusted['certname']

  file { [
    '/var/lib/kubernetes',
    '/var/lib/kubernetes/ssl',
    '/var/lib/kubernetes/ssl/certs',
    '/var/lib/kubernetes/ssl/private_keys',
  ]:
    ensure => directory,
    owner  => $user,
    group  => $group,
    mode   => '0555',
  }

  file { '/var/lib/kubernetes/ssl/certs/ca.pem':
    ensure  => present,
    owner   => $user,
    group   => $group,
    mode    => '0444',
    source  => "${ssldir}/certs/ca.pem",
    require => File['/var/lib/kubernetes/ssl/certs'],
  }

  file { '/var/lib/kubernetes/ssl/certs/cert.pem':
    ensure  => present,
    owner   => $user,
    group   => $group,
    mode    => '0400',
    source  => "${ssldir}/certs/${puppet_cert_name}.pem",
    require => File['/var/lib/kubernetes/ssl/certs/ca.pem'],
  }

  if $provide_private {
    file { '/var/lib/kubernetes/ssl/private_keys/server.key':
      ensure  => present,
      owner   => $user,
      group   => $group,
      mode    => '0400',
      source  => "${ssldir}/private_keys/${puppet_cert_name}.pem",
      require => File['/var/lib/kubernetes/ssl/private_keys'],
    }
  }
}
