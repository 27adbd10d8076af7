package fetch

import (
	"net/netip"
	"testing"
)

func FuzzParseIPHost(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "::ffff:127.0.0.1", "example.org", "1.2.3.4.5", "0x", "08", "4294967296", "a.0x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		ip, isIP, err := parseIPHost(host)
		if err != nil && isIP {
			t.Fatal("error and an address")
		}
		if isIP && !ip.IsValid() {
			t.Fatal("invalid address reported as IP")
		}
		if isIP && ip.Is4() {
			if _, err := netip.ParseAddr(ip.String()); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzKindCheck(f *testing.F) {
	f.Add("image/svg+xml", []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg/>`))
	f.Add("application/json", []byte(`{"a":1}`))
	f.Add("", []byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, mt string, body []byte) {
		for _, k := range []Kind{JSON, Image, Any} {
			got, err := k.check(mt, body)
			if k == Image && err == nil && got != "image/png" && got != "image/svg+xml" {
				t.Fatalf("image accepted as %q", got)
			}
		}
	})
}
