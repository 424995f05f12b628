package runbooks

import (
	"fmt"
	"math/big"
	"net/netip"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// cidrHostFunc is Terraform's cidrhost: the address numbered hostnum in
// the prefix; a negative hostnum counts back from the last address (-1).
var cidrHostFunc = function.New(&function.Spec{
	Description: "Returns the IP address numbered hostnum within the CIDR prefix; negative numbers count from the end.",
	Params:      []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var num *big.Int
		if err := gocty.FromCtyValue(args[1], &num); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "hostnum must be a whole number")
		}
		p, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		addr, err := hostInPrefix(p, num)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(addr.String()), nil
	},
})

// cidrContainsFunc is OpenTofu's cidrcontains (Terraform has none): whether
// an address, or a whole prefix, lies within the containing prefix.
var cidrContainsFunc = function.New(&function.Spec{
	Description: "Reports whether an IP address or CIDR prefix lies within the containing CIDR prefix.",
	Params:      []function.Parameter{{Name: "containing_prefix", Type: cty.String}, {Name: "contained_ip_or_prefix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		outer, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.Bool), function.NewArgError(0, err)
		}
		inner, err := parseAddrOrPrefix(args[1].AsString())
		if err != nil {
			return cty.UnknownVal(cty.Bool), function.NewArgError(1, err)
		}
		if outer.Addr().Is4() != inner.Addr().Is4() {
			return cty.UnknownVal(cty.Bool), fmt.Errorf("address family mismatch: %s and %s (one is IPv4, the other IPv6)", outer, inner)
		}
		return cty.BoolVal(outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())), nil
	},
})

func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, fmt.Errorf("invalid CIDR expression %q: want an address and a prefix length, e.g. \"10.0.0.0/16\" or \"fd00::/64\"", truncate(s, 80))
	}
	return p.Masked(), nil
}

// parseAddrOrPrefix reads "10.0.0.1" as the single-address prefix
// 10.0.0.1/32 and "10.0.0.0/24" as a prefix.
func parseAddrOrPrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return parsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid IP address or CIDR prefix %q", truncate(s, 80))
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// hostInPrefix adds num to p's first address, as go-cidr's HostBig does
// for Terraform.
func hostInPrefix(p netip.Prefix, num *big.Int) (netip.Addr, error) {
	hostBits := uint(p.Addr().BitLen() - p.Bits())
	size := new(big.Int).Lsh(big.NewInt(1), hostBits) // addresses in the prefix
	n := new(big.Int).Set(num)
	if n.Sign() < 0 {
		n.Add(n, size)
	}
	if n.Sign() < 0 || n.Cmp(size) >= 0 {
		return netip.Addr{}, fmt.Errorf("prefix of %d does not accommodate a host numbered %s", p.Bits(), num)
	}
	base := p.Addr().AsSlice()
	n.Add(n, new(big.Int).SetBytes(base))
	out := n.FillBytes(make([]byte, len(base)))
	addr, _ := netip.AddrFromSlice(out)
	return addr, nil
}
