package share

import (
	"errors"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// ErrBadInstance is returned for a Mastodon instance that is not a bare
// host name. Its text is shown to the learner next to the field.
var ErrBadInstance = errors.New("Enter the name of your Mastodon server, like mastodon.social (no path, port or address).")

// maxHostLen is the longest DNS name.
const maxHostLen = 253

// MastodonInstance checks that s names a Mastodon server by its host name
// and returns it in lower-case ASCII (international names in their xn--
// form). For convenience it accepts a leading "https://", a trailing "/",
// and a handle such as "@alice@mastodon.social"; everything else must be a
// plain DNS name with at least two labels: no scheme other than https, no
// user info, port, path, query, IP address or "localhost".
func MastodonInstance(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "https://")
	s = strings.TrimSuffix(s, "/")
	if strings.HasPrefix(s, "@") {
		// @user@host: keep what follows the second @.
		if i := strings.LastIndexByte(s, '@'); i > 0 {
			s = s[i+1:]
		}
	}
	if s == "" || len(s) > maxHostLen {
		return "", ErrBadInstance
	}
	if _, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return "", ErrBadInstance
	}
	host, err := idna.Lookup.ToASCII(s)
	if err != nil || host == "" || len(host) > maxHostLen {
		return "", ErrBadInstance
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	labels := strings.Split(host, ".")
	if len(labels) < 2 || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "", ErrBadInstance
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", ErrBadInstance
		}
	}
	// A top-level domain is never all digits (that would be an IPv4 address
	// in disguise, like 127.1).
	if allDigits(labels[len(labels)-1]) {
		return "", ErrBadInstance
	}
	return host, nil
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
