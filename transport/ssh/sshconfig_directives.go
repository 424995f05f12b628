package ssh

import (
	"sort"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// directiveUse says what mend does with an ssh_config directive in effect
// for a host.
type directiveUse int

const (
	// honoured: resolve reads it (HostName, Port, User, IdentityFile,
	// IdentitiesOnly, UserKnownHostsFile, StrictHostKeyChecking,
	// HostKeyAlias, ...).
	honoured directiveUse = iota
	// harmless: it does not change where mend connects or which keys it
	// trusts (mend forwards nothing, multiplexes itself, never prompts),
	// or ignoring it can only make mend refuse a host, never accept one
	// OpenSSH would refuse (GlobalKnownHostsFile, VerifyHostKeyDNS).
	harmless
	// refused: it changes where or how OpenSSH connects and mend does not
	// implement it; a value other than the neutral ones is an error
	// naming file:line.
	refused
)

// directiveClass classifies every keyword of the OpenSSH 9.x client. A
// keyword missing here is unknown, an error as in OpenSSH (unless listed
// in IgnoreUnknown).
var directiveClass = map[string]directiveUse{
	"hostname": honoured, "port": honoured, "user": honoured, "identityfile": honoured,
	"identitiesonly": honoured, "userknownhostsfile": honoured, "stricthostkeychecking": honoured,
	"ignoreunknown": honoured,

	"proxyjump": honoured, "proxycommand": honoured, "hostkeyalias": honoured, "certificatefile": refused,
	"pkcs11provider": refused, "securitykeyprovider": refused, "canonicalizehostname": refused,
	"addressfamily": refused, "bindaddress": refused, "bindinterface": refused, "knownhostscommand": refused,
	"revokedhostkeys": refused, "kexalgorithms": honoured, "ciphers": honoured, "macs": honoured,
	"hostkeyalgorithms": refused, "pubkeyacceptedalgorithms": refused, "pubkeyacceptedkeytypes": refused,
	"casignaturealgorithms": refused, "requiredrsasize": refused, "proxyusefdpass": refused,

	"controlmaster": harmless, "controlpath": harmless, "controlpersist": harmless, "forwardagent": harmless,
	"forwardx11": harmless, "forwardx11timeout": harmless, "forwardx11trusted": harmless, "localforward": harmless,
	"remoteforward": harmless, "dynamicforward": harmless, "clearallforwardings": harmless,
	"exitonforwardfailure": harmless, "gatewayports": harmless, "requesttty": harmless, "sendenv": harmless,
	"setenv": harmless, "loglevel": harmless, "logverbose": harmless, "batchmode": harmless,
	"escapechar": harmless, "permitlocalcommand": harmless, "localcommand": harmless, "visualhostkey": harmless,
	"serveraliveinterval": harmless, "serveralivecountmax": harmless, "tcpkeepalive": harmless,
	"connecttimeout": harmless, "connectionattempts": harmless, "compression": harmless,
	"hashknownhosts": harmless, "checkhostip": harmless, "updatehostkeys": harmless, "verifyhostkeydns": harmless,
	"globalknownhostsfile": harmless, "addkeystoagent": harmless, "identityagent": harmless,
	"preferredauthentications": harmless, "passwordauthentication": harmless,
	"kbdinteractiveauthentication": harmless, "kbdinteractivedevices": harmless,
	"challengeresponseauthentication": harmless, "pubkeyauthentication": harmless,
	"hostbasedauthentication": harmless, "hostbasedacceptedalgorithms": harmless,
	"hostbasedkeytypes": harmless, "enablesshkeysign": harmless, "gssapiauthentication": harmless,
	"gssapidelegatecredentials": harmless, "numberofpasswordprompts": harmless,
	"forkafterauthentication": harmless, "stdinnull": harmless, "sessiontype": harmless,
	"streamlocalbindmask": harmless, "streamlocalbindunlink": harmless, "tunnel": harmless,
	"tunneldevice": harmless, "xauthlocation": harmless, "rekeylimit": harmless, "ipqos": harmless,
	"nohostauthenticationforlocalhost": harmless, "obscurekeystroketiming": harmless,
	"enableescapecommandline": harmless, "fingerprinthash": harmless, "canonicaldomains": harmless,
	"canonicalizefallbacklocal": harmless, "canonicalizemaxdots": harmless,
	"canonicalizepermittedcnames": harmless, "permitremoteopen": harmless, "usekeychain": harmless,
	"protocol": harmless, "useroaming": harmless, "rsaauthentication": harmless, "cipher": harmless,
	"usersh": harmless, "fallbacktorsh": harmless, "compressionlevel": harmless, "useprivilegedport": harmless,
}

// neutral lists, per refused keyword, the values that change nothing
// (the OpenSSH default): those are accepted.
var neutral = map[string][]string{
	"proxyjump": {"none"}, "proxycommand": {"none"}, "pkcs11provider": {"none"},
	"securitykeyprovider": {"internal"}, "canonicalizehostname": {"no", "false"}, "addressfamily": {"any"},
	"knownhostscommand": {"none"}, "revokedhostkeys": {"none"}, "proxyusefdpass": {"no", "false"},
}

// why explains, per refused keyword, what mend would have to do.
var why = map[string]string{
	"certificatefile":   "mend does not present SSH certificates",
	"hostkeyalgorithms": "mend offers the host key algorithms known_hosts holds for the host",
}

// checkRefused returns an error for the first directive in effect that
// mend would have to ignore, naming its file:line.
func checkRefused(o *sshOptions) error {
	keys := make([]string, 0, len(o.first))
	for key := range o.first {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := o.first[key]
		if directiveClass[key] != refused || isNeutral(key, v.args) {
			continue
		}
		reason := why[key]
		if reason == "" {
			reason = "mend does not implement it"
		}
		return steps.Errorf(steps.ClassConfig,
			"ssh config %s: %s %s applies to this host, but %s; remove it for this host (e.g. in a Host block that excludes it), or reach the host with OpenSSH",
			v.where(), configName(key), strings.Join(v.args, " "), reason)
	}
	for _, v := range o.all["certificatefile"] {
		return steps.Errorf(steps.ClassConfig, "ssh config %s: CertificateFile applies to this host, but %s", v.where(), why["certificatefile"])
	}
	return nil
}

func isNeutral(key string, args []string) bool {
	for _, n := range neutral[key] {
		if len(args) == 1 && strings.EqualFold(args[0], n) {
			return true
		}
	}
	return false
}

// configName is a keyword as the OpenSSH manual spells it, for messages.
func configName(key string) string {
	names := map[string]string{"proxyjump": "ProxyJump", "proxycommand": "ProxyCommand", "hostkeyalias": "HostKeyAlias",
		"kexalgorithms": "KexAlgorithms", "stricthostkeychecking": "StrictHostKeyChecking", "userknownhostsfile": "UserKnownHostsFile",
		"certificatefile": "CertificateFile", "pkcs11provider": "PKCS11Provider", "ciphers": "Ciphers", "macs": "MACs",
		"hostkeyalgorithms": "HostKeyAlgorithms", "addressfamily": "AddressFamily", "bindaddress": "BindAddress",
		"canonicalizehostname": "CanonicalizeHostname", "knownhostscommand": "KnownHostsCommand",
		"revokedhostkeys": "RevokedHostKeys", "pubkeyacceptedalgorithms": "PubkeyAcceptedAlgorithms"}
	if n, ok := names[key]; ok {
		return n
	}
	return key
}
