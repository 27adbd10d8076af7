package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// allowList holds the AllowHosts entries, normalised.
type allowList struct {
	hostPorts map[string]bool // "host:port" or "ip:port"
	hosts     map[string]bool // entries given without a port
}

func newAllowList(entries []string) allowList {
	a := allowList{hostPorts: map[string]bool{}, hosts: map[string]bool{}}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(e); err == nil {
			a.hostPorts[normHostPort(e)] = true
			continue
		}
		a.hosts[normHost(strings.Trim(e, "[]"))] = true
	}
	return a
}

// has reports whether host:port is listed, by name or address.
func (a allowList) has(hostPort string) bool {
	if len(a.hostPorts) == 0 && len(a.hosts) == 0 {
		return false
	}
	hp := normHostPort(hostPort)
	if a.hostPorts[hp] {
		return true
	}
	host, _, err := net.SplitHostPort(hp)
	return err == nil && a.hosts[host]
}

// normHostPort lower-cases the host and writes IP literals canonically, so
// "[::FFFF:127.0.0.1]:80", "127.0.0.1:80" and "LOCALHOST:80" compare as
// their plain forms.
func normHostPort(hp string) string {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return strings.ToLower(hp)
	}
	return net.JoinHostPort(normHost(host), port)
}

func normHost(h string) string {
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.Unmap().WithZone("").String()
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// dialContext is the transport's only way out. addr is the URL's host:port
// (there is never a proxy). It resolves the name once, checks each address
// and dials it with a dialer whose Control hook checks the address again at
// connect time, so the address checked is always the address connected to.
func (c *Client) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	target := addr
	if to, ok := c.resolve[normHostPort(addr)]; ok {
		target = to
	}
	host, portText, err := net.SplitHostPort(target)
	if err != nil {
		return nil, &Error{Kind: BadURL, Err: err}
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, &Error{Kind: BadURL, Err: fmt.Errorf("port %q: %w", portText, err)}
	}

	var ips []netip.Addr
	if ip, isIP, err := parseIPHost(host); err != nil {
		return nil, &Error{Kind: BadURL, Err: err}
	} else if isIP {
		ips = []netip.Addr{ip}
	} else {
		ips, err = c.lookup(ctx, host)
		if err != nil {
			return nil, err // classified by Get (DNS not found, timeout)
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}

	byName := c.allow.has(addr)
	d := c.dialer(byName)
	var blocked, other error
	for _, ip := range ips {
		ap := netip.AddrPortFrom(ip.Unmap(), uint16(port))
		netw := "tcp4"
		if ap.Addr().Is6() {
			netw = "tcp6"
		}
		// Checked here first so a refused address never gets a socket; the
		// Control hook below is the guarantee.
		if err := c.permit(byName, netw, ap.String()); err != nil {
			blocked = err
			continue
		}
		conn, err := d.DialContext(ctx, netw, ap.String())
		if err == nil {
			return conn, nil
		}
		var fe *Error
		if errors.As(err, &fe) {
			blocked = fe
		} else if other == nil {
			other = err
		}
	}
	if blocked != nil {
		return nil, blocked
	}
	return nil, other
}

// dialer returns a net.Dialer whose Control hook refuses every address that
// is neither public nor allowed. byName is whether the URL's host:port is in
// AllowHosts.
func (c *Client) dialer(byName bool) *net.Dialer {
	return &net.Dialer{
		Timeout:   c.connectTimeout,
		KeepAlive: -1,
		Control: func(network, address string, _ syscall.RawConn) error {
			return c.permit(byName, network, address)
		},
	}
}

func (c *Client) permit(byName bool, network, address string) error {
	if network != "tcp4" && network != "tcp6" {
		return &Error{Kind: Blocked, Err: fmt.Errorf("network %q", network)}
	}
	if byName || c.allow.has(address) {
		return nil
	}
	if err := c.guard.Safe(network, address, nil); err != nil {
		return &Error{Kind: Blocked, Err: err}
	}
	return nil
}

// parseIPHost recognises every spelling of an IP address a URL host can
// carry: standard IPv4 and IPv6, and the WHATWG URL forms browsers accept —
// "127.1", "2130706433", "0x7f000001", "0177.0.0.1". A host whose last label
// is numeric is an IPv4 address or an error, never a DNS name, so these
// spellings cannot slip past the check by going to a resolver that reads
// them differently.
func parseIPHost(host string) (ip netip.Addr, isIP bool, err error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true, nil
	}
	parts := strings.Split(host, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 {
		return netip.Addr{}, false, nil
	}
	if _, ok := parseIPv4Number(parts[len(parts)-1]); !ok && !isNumberish(parts[len(parts)-1]) {
		return netip.Addr{}, false, nil
	}
	if len(parts) > 4 {
		return netip.Addr{}, false, fmt.Errorf("host %q: not an IPv4 address", host)
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return netip.Addr{}, false, fmt.Errorf("host %q: not an IPv4 address", host)
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false, fmt.Errorf("host %q: IPv4 part out of range", host)
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false, fmt.Errorf("host %q: IPv4 address out of range", host)
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v |= n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// isNumberish: a label made of digits (or 0x + hex digits) that failed to
// parse, e.g. one too big; still an IPv4 attempt, not a name.
func isNumberish(s string) bool {
	if s == "" {
		return false
	}
	t := strings.ToLower(s)
	if strings.HasPrefix(t, "0x") {
		t = t[2:]
		return strings.Trim(t, "0123456789abcdef") == ""
	}
	return strings.Trim(t, "0123456789") == ""
}

// parseIPv4Number parses one WHATWG IPv4 part: decimal, 0x hex or 0 octal.
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	t := s
	switch {
	case len(t) >= 2 && (t[:2] == "0x" || t[:2] == "0X"):
		base, t = 16, t[2:]
		if t == "" {
			return 0, true
		}
	case len(t) >= 2 && t[0] == '0':
		base, t = 8, t[1:]
	}
	n, err := strconv.ParseUint(t, base, 64)
	if err != nil || n > 0xffffffff {
		return 0, false
	}
	return n, true
}
