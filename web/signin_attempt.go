package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/markbates/goth"
)

// attemptCookie holds a browser's sign-in attempt between leaving for a
// provider and coming back. It keeps the name gothic gave it.
const attemptCookie = "_gothic_session"

// attempts runs the OAuth part of signing in with the goth providers of one
// Server. It does what gothic does, but with the Server's own providers and
// cookie keys instead of gothic's and goth's process-wide variables, so that
// several Servers can run in one process (the tests run them in parallel).
//
// An attempt lives for ttl by the Server's clock, counted from when it was
// begun; the cookie's own signed timestamp (MaxAge) bounds it too.
type attempts struct {
	cookies   *sessions.CookieStore
	providers map[string]goth.Provider // by ID
	ttl       time.Duration
	now       func() time.Time
}

// startedKey names the attempt's start time (Unix seconds) in the cookie.
const startedKey = "started"

// begin starts a sign-in with provider under a fresh random state, keeps
// the attempt in the browser's cookie, and returns the provider's URL.
func (a *attempts) begin(w http.ResponseWriter, r *http.Request, provider string) (string, error) {
	gp, ok := a.providers[provider]
	if !ok {
		return "", fmt.Errorf("web: no sign-in provider %q", provider)
	}
	sess, err := gp.BeginAuth(randomToken(32))
	if err != nil {
		return "", err
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return "", err
	}
	cs, _ := a.cookies.New(r, attemptCookie) // a bad old cookie is replaced
	cs.Values[provider] = sess.Marshal()
	cs.Values[startedKey] = a.now().Unix()
	if err := cs.Save(r, w); err != nil {
		return "", err
	}
	return authURL, nil
}

// session returns the goth session of the browser's attempt with provider.
func (a *attempts) session(r *http.Request, provider string) (goth.Session, goth.Provider, error) {
	gp, ok := a.providers[provider]
	if !ok {
		return nil, nil, fmt.Errorf("web: no sign-in provider %q", provider)
	}
	cs, err := a.cookies.Get(r, attemptCookie)
	if err != nil {
		return nil, nil, err
	}
	raw, ok := cs.Values[provider].(string)
	if !ok {
		return nil, nil, errors.New("web: no sign-in attempt in this browser")
	}
	started, ok := cs.Values[startedKey].(int64)
	if !ok || a.now().Sub(time.Unix(started, 0)) > a.ttl {
		return nil, nil, errors.New("web: the sign-in attempt has expired")
	}
	sess, err := gp.UnmarshalSession(raw)
	if err != nil {
		return nil, nil, err
	}
	return sess, gp, nil
}

// complete finishes the attempt with provider from the provider's
// callback request, whose state the caller has checked, and forgets it.
func (a *attempts) complete(w http.ResponseWriter, r *http.Request, provider string) (goth.User, error) {
	sess, gp, err := a.session(r, provider)
	if err != nil {
		return goth.User{}, err
	}
	defer a.end(w, r)
	if u, err := gp.FetchUser(sess); err == nil {
		return u, nil
	}
	if _, err := sess.Authorize(gp, r.URL.Query()); err != nil {
		return goth.User{}, err
	}
	return gp.FetchUser(sess)
}

// end forgets the browser's attempt.
func (a *attempts) end(w http.ResponseWriter, r *http.Request) {
	cs, _ := a.cookies.Get(r, attemptCookie)
	cs.Options.MaxAge = -1
	cs.Values = map[any]any{}
	cs.Save(r, w)
}
