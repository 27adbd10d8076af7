package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClientKey_IPv6ByItsNetwork(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ ip, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"not an ip", "not an ip"},
	} {
		if got := clientKey(c.ip); got != c.want {
			t.Errorf("clientKey(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}

func TestShorten_CutsAtASpaceAndKeepsUTF8(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("naïve café ", 100)
	got := shorten(long, 50)
	if !strings.HasSuffix(got, "…") || len(got) > 50+len("…") || !utf8.ValidString(got) || strings.HasSuffix(strings.TrimSuffix(got, "…"), " ") {
		t.Errorf("shorten = %q", got)
	}
	if shorten("short", 50) != "short" {
		t.Error("a short text changed")
	}
	// No space to cut at: cut inside, but never inside a character.
	if got := shorten(strings.Repeat("é", 40), 25); !utf8.ValidString(got) {
		t.Errorf("cut inside a character: %q", got)
	}
}

func TestImageDataURI_OnlySmallPNGAndSVG(t *testing.T) {
	t.Parallel()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	if got := imageDataURI(png); !strings.HasPrefix(got, "data:image/png;base64,") {
		t.Errorf("PNG: %.30q", got)
	}
	if got := imageDataURI([]byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`)); !strings.HasPrefix(got, "data:image/svg+xml;base64,") {
		t.Errorf("SVG: %.30q", got)
	}
	for name, data := range map[string][]byte{
		"html":    []byte("<html><script>alert(1)</script></html>"),
		"JSON":    []byte(`{"svg": "<svg>"}`),
		"too big": append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, reportImageMax)...),
		"empty":   nil,
		"GIF":     []byte("GIF89a...."),
	} {
		if got := imageDataURI(data); got != "" {
			t.Errorf("%s became an image: %.30q", name, got)
		}
	}
}
