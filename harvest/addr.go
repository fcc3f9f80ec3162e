package harvest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// internalRange is a range of addresses a harvester on the open internet
// has no business reaching: a portal that redirects there (by mistake or to
// probe us) would have us fetch, keep and ingest what sits on our own
// network. Rules from RFC 6890 (special-purpose registries), RFC 1918,
// RFC 4193, RFC 6598 and the cloud providers' metadata endpoints.
type internalRange struct {
	prefix netip.Prefix
	name   string
	// perAddress: each address of the range is its own "range". Every
	// loopback address is this machine, and another address on it is
	// another service: a source on 127.0.0.1 may not redirect to
	// 127.0.0.2 (ports are not told apart: a portal serving files from a
	// second port of its own address is common). A private network block
	// is one range: a source on 10.1.2.3 may redirect to its file server
	// on 10.1.2.9.
	perAddress bool
}

var internalRanges = []internalRange{
	{netip.MustParsePrefix("169.254.169.254/32"), "cloud metadata", true},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "cloud metadata", true},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback", true},
	{netip.MustParsePrefix("::1/128"), "loopback", true},
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified", true},
	{netip.MustParsePrefix("::/128"), "unspecified", true},
	{netip.MustParsePrefix("10.0.0.0/8"), "private", false},
	{netip.MustParsePrefix("172.16.0.0/12"), "private", false},
	{netip.MustParsePrefix("192.168.0.0/16"), "private", false},
	{netip.MustParsePrefix("fc00::/7"), "private", false},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)", false},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local", false},
	{netip.MustParsePrefix("fe80::/10"), "link-local", false},
}

// classify returns the internal range an address falls in, and the prefix
// that counts as "the same range" for it; ok is false for public addresses.
func classify(a netip.Addr) (name string, same netip.Prefix, ok bool) {
	a = a.Unmap()
	for _, r := range internalRanges {
		if r.prefix.Contains(a) {
			if r.perAddress {
				return r.name, netip.PrefixFrom(a, a.BitLen()), true
			}
			return r.name, r.prefix, true
		}
	}
	return "", netip.Prefix{}, false
}

// lookup resolves a URL's host to its addresses (an IP literal to itself).
func lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// insideRanges computes, once, the internal ranges the configured sources
// live in, and the allow_hosts entries that are addresses or networks.
func (f *Fetcher) insideRanges(ctx context.Context) []netip.Prefix {
	f.inside.Do(func() {
		for _, s := range f.cfg.Sources {
			u, err := url.Parse(s.URL)
			if err != nil {
				continue
			}
			addrs, _ := lookup(ctx, u.Hostname())
			for _, a := range addrs {
				if _, same, ok := classify(a); ok {
					f.insideNets = append(f.insideNets, same)
				}
			}
		}
		for _, h := range f.cfg.AllowHosts {
			if p, err := netip.ParsePrefix(h); err == nil {
				f.insideNets = append(f.insideNets, p.Masked())
			} else if a, err := netip.ParseAddr(h); err == nil {
				f.insideNets = append(f.insideNets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			}
		}
	})
	return f.insideNets
}

// checkAddress refuses a URL whose host is, or resolves to, an internal
// address outside the configured sources' own ranges, unless allow_hosts
// names the host. An unresolvable name passes: the request fails on its
// own, and no internal address was involved.
func (f *Fetcher) checkAddress(ctx context.Context, u *url.URL) error {
	host := strings.ToLower(u.Hostname())
	for _, h := range f.cfg.AllowHosts {
		if strings.EqualFold(h, host) {
			return nil
		}
	}
	addrs, err := lookup(ctx, host)
	if err != nil {
		return nil
	}
	inside := f.insideRanges(ctx)
	for _, a := range addrs {
		name, _, ok := classify(a)
		if !ok || contains(inside, a) {
			continue
		}
		return fmt.Errorf("%s lands on %s, a %s address, outside the configured sources' ranges (allow_hosts can allow it): %w",
			u.Redacted(), a, name, ErrInternalAddress)
	}
	return nil
}

// transport is the default transport with the address check repeated at
// connect time, on the address actually dialled: a name that resolved to a
// public address when checked and to an internal one a moment later (DNS
// rebinding) is refused too. Behind a proxy every connection goes to the
// proxy, which resolves names itself: the URL check alone applies then.
func (f *Fetcher) transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		if os.Getenv(v) != "" {
			return t
		}
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		for _, h := range f.cfg.AllowHosts {
			if strings.EqualFold(h, host) {
				return dialer.DialContext(ctx, network, addr)
			}
		}
		d := *dialer
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if name, _, ok := classify(ap.Addr()); ok && !contains(f.insideRanges(ctx), ap.Addr()) {
				return fmt.Errorf("%s resolved to %s, a %s address, outside the configured sources' ranges (allow_hosts can allow it): %w",
					host, ap.Addr(), name, ErrInternalAddress)
			}
			return nil
		}
		return d.DialContext(ctx, network, addr)
	}
	return t
}

func contains(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
