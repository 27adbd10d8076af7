package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/static"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// The OAuth 2.0 authorization server through which learning platforms
// connect to a learner's backpack (issue 15): dynamic client registration
// (RFC 7591), the authorization code grant with PKCE S256 and the consent
// page, the token endpoint with refresh tokens, and revocation (RFC 7009).
// internal/obapi decides what the specifications fix; store keeps codes
// and tokens as hashes; this file reads requests and answers them.

const (
	// registrationLimit registrations are accepted from one address an
	// hour: each may make Satchel fetch a logo.
	registrationLimit  = 20
	registrationWindow = time.Hour
	// logoFetchTimeout bounds the registration's fetch of the logo.
	logoFetchTimeout = 5 * time.Second
	// registrationMaxBytes caps a registration request's body.
	registrationMaxBytes = 64 << 10
)

// apiOffered reports whether this Satchel offers the Open Badges APIs: both
// specifications require the server to publish a privacy policy and terms
// of service, which only the operator can write.
func (s *Server) apiOffered() bool {
	return s.opts.PrivacyPolicyURL != "" && s.opts.TermsOfServiceURL != ""
}

// requireAPI answers 404 on every route of the Open Badges APIs when the
// operator has not published the policies they need (SATCHEL_PRIVACY_URL,
// SATCHEL_TERMS_URL).
func (s *Server) requireAPI(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.apiOffered() {
			return &fail.Error{Code: fail.NotFound, Message: "This Satchel does not offer the Open Badges API: its operator has not published a privacy policy and terms of service yet."}
		}
		return next(c)
	}
}

// obapiServer is what the discovery document and the manifest say about
// this Satchel and its authorization server.
func (s *Server) obapiServer() (obapi.Server, obapi.Endpoints) {
	return obapi.Server{
			Name:           "Satchel",
			Image:          s.abs(static.Path("img/satchel.svg")),
			PrivacyPolicy:  s.opts.PrivacyPolicyURL,
			TermsOfService: s.opts.TermsOfServiceURL,
		}, obapi.Endpoints{
			Registration:  paths.OAuthRegister,
			Authorization: paths.OAuthAuthorize,
			Token:         paths.OAuthToken,
			Revocation:    paths.OAuthRevoke,
		}
}

// handleDiscovery serves the Open Badges 3.0 service description document
// (OB 3.0 § 6.3), unprotected.
func (s *Server) handleDiscovery(c echo.Context) error {
	srv, ep := s.obapiServer()
	doc, err := obapi.Discovery(s.baseURL.String(), srv, ep)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, doc)
}

// handleBadgeConnectManifest serves the Badge Connect manifest (OB 2.1).
func (s *Server) handleBadgeConnectManifest(c echo.Context) error {
	srv, ep := s.obapiServer()
	m, err := obapi.BadgeConnect(s.baseURL.String(), srv, ep)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// handleRegister registers a platform (RFC 7591 § 3): its metadata is
// checked field by field, its logo fetched through the guarded fetcher,
// and its client_id and secret returned once (201).
func (s *Server) handleRegister(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, registrationMaxBytes+1))
	if err != nil {
		return err
	}
	if len(body) > registrationMaxBytes {
		return oauthFail(fail.TooLarge, obapi.ErrInvalidClientMetadata, "the registration is larger than 64 KiB")
	}
	reg, err := obapi.ParseRegistration(body)
	if err != nil {
		return fail.Wrap(fail.Invalid, err.Error(), err)
	}
	ctx := c.Request().Context()
	now := s.now()
	client, secret, err := s.db.RegisterOAuthClient(ctx, reg, now)
	if err != nil {
		return err
	}
	if reg.LogoURI != "" {
		s.fetchLogo(ctx, client, reg.LogoURI)
	}
	logger(c).Info("platform registered", "client_id", client.ClientID, "name", client.Name, "host", reg.Host())
	return c.JSON(http.StatusCreated, reg.Response(client.ClientID, secret, now))
}

// fetchLogo keeps the platform's logo for the consent page and the
// connected apps list. A logo that cannot be had is no reason to refuse
// the registration: the pages then show the name alone.
func (s *Server) fetchLogo(ctx context.Context, client *store.OAuthClient, logoURI string) {
	ctx, cancel := context.WithTimeout(ctx, logoFetchTimeout)
	defer cancel()
	data, info, err := badgeimg.Fetch(ctx, s.fetcher, logoURI)
	if err != nil {
		s.log.Info("platform logo not kept", "client_id", client.ClientID, "err", err)
		return
	}
	id, _, err := s.db.PutImage(ctx, data, info.ContentType, info.Width, info.Height)
	if err == nil {
		err = s.db.SetOAuthClientLogo(ctx, client.ID, id)
	}
	if err != nil {
		s.log.Error("platform logo not stored", "client_id", client.ClientID, "err", err)
	}
}

// oauthFail is a refusal a client program reads by its RFC 6749 code.
func oauthFail(kind fail.Code, code obapi.ErrorCode, description string) error {
	e := obapi.NewOAuthError(code, description)
	return fail.Wrap(kind, e.Description, e)
}

// handleAuthorize is the authorization endpoint (RFC 6749 § 4.1.1). A
// request from an unknown platform, or to a redirect URI it did not
// register, is answered here with an error page (never redirected:
// RFC 6749 § 4.1.2.1); other refusals go back to the platform. A sound
// request is kept and the learner sent to its consent page, through
// sign-in when needed.
func (s *Server) handleAuthorize(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	client, err := s.db.OAuthClientByID(ctx, q.Get("client_id"))
	if err != nil {
		if fail.CodeOf(err) == fail.Internal {
			return err
		}
		return (&fail.Error{Code: fail.Malformed, Message: "The app that sent you here is not registered with this Satchel. Go back to it and tell its makers.", Err: err}).
			Say("oauth.unknown_app").SayTitle("oauth.bad_request_title")
	}
	redirect := q.Get("redirect_uri")
	if len(q["redirect_uri"]) != 1 || !obapi.MatchRedirectURI(client.RedirectURIs, redirect) {
		return (&fail.Error{Code: fail.Malformed, Message: "The app that sent you here asked Satchel to send you back to an address it did not register. Go back to it and tell its makers.",
			Err: errors.New("authorize: redirect_uri missing, repeated or not registered")}).
			Say("oauth.bad_redirect").SayTitle("oauth.bad_request_title")
	}
	state := q.Get("state")
	back := func(code obapi.ErrorCode, description string) error {
		return c.Redirect(http.StatusSeeOther, withQuery(redirect, url.Values{"error": {string(code)}, "error_description": {obapi.SafeDescription(description)}}, state))
	}
	for name, vs := range q {
		if len(vs) > 1 {
			return back(obapi.ErrInvalidRequest, name+" is given more than once")
		}
	}
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		return back(obapi.ErrInvalidRequest, "response_type is required")
	default:
		return back(obapi.ErrUnsupportedResponseType, "only response_type=code is supported")
	}
	r, err := s.db.CreateOAuthRequest(ctx, store.OAuthRequestInput{
		ClientID:            client.ClientID,
		RedirectURI:         redirect,
		Scopes:              obapi.ParseScopes(q.Get("scope")),
		State:               state,
		CodeChallenge:       q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"),
	}, store.DefaultOAuthLifetimes, s.now())
	var oe *obapi.OAuthError
	if errors.As(err, &oe) {
		return back(oe.Code, oe.Description)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, paths.OAuthConsent(r.ID))
}

// withQuery is the redirect URI with the response's parameters added to
// the query it may already have (RFC 6749 § 3.1.2), state last when given.
func withQuery(redirect string, add url.Values, state string) string {
	u, err := url.Parse(redirect)
	if err != nil { // registered URIs were parsed at registration
		return redirect
	}
	q := u.Query()
	for k, vs := range add {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// handleConsent shows the signed-in learner which platform asks for what,
// with Allow and Deny.
func (s *Server) handleConsent(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := s.db.OAuthRequestByID(ctx, c.Param("id"), s.now())
	if err != nil {
		return err
	}
	if r.Approved() {
		return store.AppRequestGone()
	}
	allowFormTarget(c, r.RedirectURI)
	v := views.Consent{
		ID:        r.ID,
		Name:      r.Client.Name,
		Host:      obapi.HostOf(r.Client.ClientURI),
		ClientURI: r.Client.ClientURI,
		PolicyURI: r.Client.PolicyURI,
		TermsURI:  r.Client.TermsURI,
		Scopes:    r.Scopes,
		Refresh:   r.Client.AllowsRefresh(),
	}
	if r.Client.LogoImageID != 0 {
		hash, err := s.db.ImageHash(ctx, r.Client.LogoImageID)
		if err != nil {
			return err
		}
		if hash != "" {
			v.LogoSrc = paths.Image(hash)
		}
	}
	return s.render(c, http.StatusOK, views.ConsentPage(s.shell(c, tr(c, "oauth.consent_title_short")), v))
}

// handleConsentAnswer takes the learner's Allow or Deny and sends the
// browser back to the platform with a single-use code, or with
// access_denied.
func (s *Server) handleConsentAnswer(c echo.Context) error {
	ctx := c.Request().Context()
	now := s.now()
	r, err := s.db.OAuthRequestByID(ctx, c.Param("id"), now)
	if err != nil {
		return err
	}
	switch c.FormValue("decision") {
	case "allow":
	case "deny":
		if r.Approved() {
			return store.AppRequestGone()
		}
		if err := s.db.DeleteOAuthRequest(ctx, r.ID); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, withQuery(r.RedirectURI, url.Values{"error": {string(obapi.ErrAccessDenied)},
			"error_description": {"the learner did not allow the request"}}, r.State))
	default:
		return (&fail.Error{Code: fail.Malformed, Message: "Choose Allow or Deny."}).Say("oauth.choose")
	}
	if r, err = s.db.ApproveOAuthRequest(ctx, r.ID, currentUser(c).ID, now); err != nil {
		return err
	}
	code, err := s.db.NewOAuthCode(ctx, r.ID, store.DefaultOAuthLifetimes, now)
	if fail.Is(err, fail.Conflict) { // answered twice (a double submit)
		return store.AppRequestGone()
	}
	if err != nil {
		return err
	}
	logger(c).Info("platform connected", "client_id", r.Client.ClientID, "scope", r.Scopes.String())
	return c.Redirect(http.StatusSeeOther, withQuery(r.RedirectURI, url.Values{"code": {code}}, r.State))
}

// tokenResponse is RFC 6749 § 5.1's successful response.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// handleToken is the token endpoint (RFC 6749 § 4.1.3 and § 6): the
// platform authenticates with HTTP Basic (client_secret_basic) and trades
// a code, with its PKCE verifier, or a refresh token for new tokens.
func (s *Server) handleToken(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	client, err := s.authenticateClient(c)
	if err != nil {
		return err
	}
	form, err := singleForm(c)
	if err != nil {
		return err
	}
	ctx, now, lt := c.Request().Context(), s.now(), store.DefaultOAuthLifetimes
	var tokens store.OAuthTokens
	switch form.Get("grant_type") {
	case "authorization_code":
		code, verifier := form.Get("code"), form.Get("code_verifier")
		switch {
		case code == "":
			return oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "code is required")
		case verifier == "":
			return oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "code_verifier is required (PKCE)")
		}
		r, err := s.db.RedeemOAuthCode(ctx, code, now)
		if err != nil {
			return err
		}
		switch {
		case r.Client.ClientID != client.ClientID:
			return oauthFail(fail.Invalid, obapi.ErrInvalidGrant, "the code was issued to another client")
		case form.Get("redirect_uri") != r.RedirectURI:
			return oauthFail(fail.Invalid, obapi.ErrInvalidGrant, "redirect_uri differs from the authorization request's")
		case !obapi.VerifyS256(verifier, r.CodeChallenge):
			return oauthFail(fail.Invalid, obapi.ErrInvalidGrant, "code_verifier does not match the code_challenge")
		}
		if tokens, err = s.db.IssueOAuthTokens(ctx, r, client.AllowsRefresh(), lt, now); err != nil {
			return err
		}
	case "refresh_token":
		refresh := form.Get("refresh_token")
		if refresh == "" {
			return oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "refresh_token is required")
		}
		if !client.AllowsRefresh() {
			return oauthFail(fail.Invalid, obapi.ErrUnauthorizedClient, "the client did not register the refresh_token grant")
		}
		var scopes obapi.Scopes
		if _, asked := form["scope"]; asked {
			if scopes = obapi.ParseScopes(form.Get("scope")); len(scopes) == 0 {
				return oauthFail(fail.Invalid, obapi.ErrInvalidScope, "scope is empty")
			}
		}
		if tokens, err = s.db.RotateOAuthRefresh(ctx, client.ClientID, refresh, scopes, lt, now); err != nil {
			return err
		}
	case "":
		return oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "grant_type is required")
	default:
		return oauthFail(fail.Invalid, obapi.ErrUnsupportedGrantType, "grant_type must be authorization_code or refresh_token")
	}
	return c.JSON(http.StatusOK, tokenResponse{
		AccessToken:  tokens.Access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(tokens.AccessExpires.Sub(now).Round(time.Second) / time.Second),
		RefreshToken: tokens.Refresh,
		Scope:        tokens.Scopes.String(),
	})
}

// handleRevoke is the revocation endpoint (RFC 7009): the platform
// authenticates as at the token endpoint; an access token is revoked
// alone, a refresh token with every token of its grant's chain. The answer
// is 200 whether or not the token was known.
func (s *Server) handleRevoke(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	client, err := s.authenticateClient(c)
	if err != nil {
		return err
	}
	form, err := singleForm(c)
	if err != nil {
		return err
	}
	token := form.Get("token")
	if token == "" {
		return oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "token is required")
	}
	if err := s.db.RevokeOAuthToken(c.Request().Context(), client.ClientID, token, s.now()); err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}

// authenticateClient checks HTTP Basic client credentials (RFC 6749
// § 2.3.1: each part form-encoded, then Basic). A missing or wrong one is
// invalid_client with 401 and a Basic challenge.
func (s *Server) authenticateClient(c echo.Context) (*store.OAuthClient, error) {
	id, secret, ok := c.Request().BasicAuth()
	if ok {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		ok = err1 == nil && err2 == nil && id != ""
	}
	if !ok {
		c.Response().Header().Set("WWW-Authenticate", `Basic realm="Satchel"`)
		return nil, oauthFail(fail.Unauthorized, obapi.ErrInvalidClient, "client authentication with HTTP Basic (client_secret_basic) is required")
	}
	client, err := s.db.AuthenticateOAuthClient(c.Request().Context(), id, secret)
	if err != nil {
		c.Response().Header().Set("WWW-Authenticate", `Basic realm="Satchel"`)
		return nil, err
	}
	return client, nil
}

// singleForm is the request's form body, each parameter at most once
// (RFC 6749 § 3.2).
func singleForm(c echo.Context) (url.Values, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationForm) {
		return nil, oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "the body must be application/x-www-form-urlencoded")
	}
	form, err := c.FormParams()
	if err != nil {
		return nil, oauthFail(fail.Malformed, obapi.ErrInvalidRequest, "the body cannot be read")
	}
	for name, vs := range form {
		if len(vs) > 1 {
			return nil, oauthFail(fail.Malformed, obapi.ErrInvalidRequest, name+" is given more than once")
		}
	}
	return form, nil
}

// handleDisconnect removes a connected platform from the learner's
// backpack: its tokens stop working at once.
func (s *Server) handleDisconnect(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		err = s.db.DisconnectApp(c.Request().Context(), currentUser(c).ID, id)
	}
	switch {
	case err == nil:
	case errors.Is(err, strconv.ErrSyntax), errors.Is(err, strconv.ErrRange), fail.Is(err, fail.NotFound):
		s.flash(c, views.FlashError, tr(c, "store_msg.app_not_connected"))
		return c.Redirect(http.StatusSeeOther, paths.Account)
	default:
		return err
	}
	s.flash(c, views.FlashSuccess, tr(c, "oauth.disconnected"))
	return c.Redirect(http.StatusSeeOther, paths.Account)
}
