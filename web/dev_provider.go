//go:build dev

package web

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/markbates/goth/providers/openidConnect"
	"github.com/oauth2-proxy/mockoidc"
)

// DevSignInBuilt reports whether this build embeds the development
// sign-in's provider: it does, since it was built with -tags dev.
const DevSignInBuilt = true

// devProvider is an OpenID Connect provider embedded in the process for the
// development sign-in: mockoidc on a loopback port, used through the same
// goth OpenID Connect flow as a real provider. Whoever is typed into the
// form is queued as the user for that attempt's state, so two people signing
// in at once each get their own identity.
type devProvider struct {
	oidc *mockoidc.MockOIDC
	goth *openidConnect.Provider

	mu      sync.Mutex // serialises mockoidc, whose session map is not safe for concurrent use
	pending map[string]devAttempt
	ttl     time.Duration
}

type devAttempt struct {
	user    *devUser
	expires time.Time
}

func startDevProvider(callbackURL string, ttl time.Duration) (*devProvider, error) {
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		return nil, err
	}
	d := &devProvider{oidc: m, pending: map[string]devAttempt{}, ttl: ttl}
	if err := m.AddMiddleware(d.middleware); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if err := m.Start(ln, nil); err != nil {
		ln.Close()
		return nil, err
	}
	p, err := openidConnect.New(m.ClientID, m.ClientSecret, callbackURL, m.DiscoveryEndpoint(), "openid", "email", "profile")
	if err != nil {
		m.Shutdown()
		return nil, err
	}
	p.SetName(devID)
	d.goth = p
	return d, nil
}

// Origin is the provider's scheme://host:port.
func (d *devProvider) Origin() string { return d.oidc.Addr() }

// Close stops the provider.
func (d *devProvider) Close() error { return d.oidc.Shutdown() }

// expect queues the identity typed into the form (name, email) for the
// authorization request that carries state.
func (d *devProvider) expect(state, name, email string) {
	u := &devUser{name: name, email: email}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	for k, a := range d.pending {
		if now.After(a.expires) {
			delete(d.pending, k)
		}
	}
	d.pending[state] = devAttempt{user: u, expires: now.Add(d.ttl)}
}

// middleware runs in front of every mockoidc endpoint. On the
// authorization endpoint it hands mockoidc the user typed for this state;
// an unknown state is refused rather than signing in mockoidc's default user.
func (d *devProvider) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if r.URL.Path == mockoidc.AuthorizationEndpoint {
			state := r.URL.Query().Get("state")
			a, ok := d.pending[state]
			delete(d.pending, state)
			if !ok || time.Now().After(a.expires) {
				http.Error(w, "Unknown or expired development sign-in attempt. Start again from Satchel's sign-in page.", http.StatusBadRequest)
				return
			}
			d.oidc.QueueUser(a.user)
		}
		next.ServeHTTP(w, r)
	})
}

// devUser is the identity typed into the development sign-in form.
type devUser struct {
	name, email string
}

func (u *devUser) ID() string { return "dev:" + strings.ToLower(u.email) }

func (u *devUser) Userinfo(scope []string) ([]byte, error) {
	return json.Marshal(map[string]any{
		"sub": u.ID(), "name": u.name, "email": u.email, "email_verified": true,
	})
}

type devClaims struct {
	*mockoidc.IDTokenClaims
	Name          string `json:"name,omitempty"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
}

func (u *devUser) Claims(scope []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &devClaims{IDTokenClaims: base, Name: u.name, Email: u.email, EmailVerified: true}, nil
}
