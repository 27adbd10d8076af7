package fetch

import (
	"errors"
	"net"
	"net/netip"
	"testing"
)

// TestDialer_ControlHookRefusesAtConnect dials straight through the dialer,
// skipping the early check in dialContext, to show the Control hook alone
// refuses a loopback address with a live listener behind it.
func TestDialer_ControlHookRefusesAtConnect(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()

	c := New(Options{})
	_, err = c.dialer(false).Dial("tcp4", l.Addr().String())
	var fe *Error
	if !errors.As(err, &fe) || fe.Kind != Blocked {
		t.Fatalf("dial = %v, want Blocked", err)
	}

	allowed := New(Options{AllowHosts: []string{l.Addr().String()}})
	conn, err := allowed.dialer(false).Dial("tcp4", l.Addr().String())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	conn.Close()
	<-accepted
	select {
	case <-accepted:
		t.Fatal("the refused dial reached the listener")
	default:
	}
}

func TestParseIPHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want string // "" = a name, "err" = invalid
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F.0.0.1", "127.0.0.1"},
		{"0177.0.0.01", "127.0.0.1"},
		{"127.0.0.1.", "127.0.0.1"},
		{"0", "0.0.0.0"},
		{"::1", "::1"},
		{"::ffff:127.0.0.1", "::ffff:127.0.0.1"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", "err"},
		{"256.0.0.1", "err"},
		{"1.2.3.4.5", "err"},
		{"08.0.0.1", "err"},
		{"example.org", ""},
		{"1.example", ""},
		{"example.0x", "err"},
		{"localhost", ""},
	} {
		ip, isIP, err := parseIPHost(tc.in)
		switch {
		case tc.want == "err":
			if err == nil {
				t.Errorf("%q: got %v, want error", tc.in, ip)
			}
		case tc.want == "":
			if err != nil || isIP {
				t.Errorf("%q: got %v %v %v, want a name", tc.in, ip, isIP, err)
			}
		default:
			if err != nil || !isIP || ip != netip.MustParseAddr(tc.want) {
				t.Errorf("%q: got %v %v %v, want %s", tc.in, ip, isIP, err, tc.want)
			}
		}
	}
}

func TestLooksSVG(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`<svg xmlns="http://www.w3.org/2000/svg"/>`:                        true,
		"\ufeff  <?xml version=\"1.0\"?>\n<svg>":                           true,
		`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg>`:     true,
		`<!DOCTYPE svg [<!ENTITY a "b">]><!-- c --><svg:svg xmlns:svg="">`: true,
		`<html><svg></svg></html>`:                                         false,
		`<svgx>`:                                                           false,
		`{"svg":1}`:                                                        false,
		`<?xml version="1.0"`:                                              false,
		``:                                                                 false,
	} {
		if got := looksSVG([]byte(in)); got != want {
			t.Errorf("looksSVG(%q) = %v, want %v", in, got, want)
		}
	}
}
