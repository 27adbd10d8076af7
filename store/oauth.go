package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/obapi"
)

// The OAuth 2.0 authorization server's data (issue 15): registered
// platforms, learners' grants ("connected apps"), authorization requests
// with their single-use codes, and access and refresh tokens. Secrets are
// random and kept only as their SHA-256; the caller gets each once.
//
// Refusals a client program must be told in RFC 6749 terms are *fail.Error
// whose cause is an *obapi.OAuthError: errors.As gives the error code
// (invalid_grant, invalid_client, invalid_scope, …), fail.CodeOf the kind.

// OAuthClient is a registered platform.
type OAuthClient struct {
	ID              int64 // internal
	ClientID        string
	Name            string
	ClientURI       string
	LogoURI         string
	TermsURI        string
	PolicyURI       string
	RedirectURIs    []string
	Scopes          obapi.Scopes
	GrantTypes      []string
	Contacts        []string
	SoftwareID      string
	SoftwareVersion string
	LogoImageID     int64 // 0 until the logo is fetched
	CreatedAt       time.Time
}

// AllowsRefresh reports whether the platform registered the refresh_token
// grant.
func (c *OAuthClient) AllowsRefresh() bool {
	for _, g := range c.GrantTypes {
		if g == obapi.GrantRefreshToken {
			return true
		}
	}
	return false
}

// OAuthRequest is an authorization request on its way from the
// authorization endpoint, through sign-in and consent, to the token
// endpoint.
type OAuthRequest struct {
	ID            string // random; the consent page carries it
	Client        *OAuthClient
	RedirectURI   string
	Scopes        obapi.Scopes
	State         string
	CodeChallenge string // PKCE S256
	CreatedAt     time.Time
	ExpiresAt     time.Time
	UserID        int64 // 0 until a learner approves it
	GrantID       int64 // 0 until then
	ApprovedAt    time.Time
}

// Approved reports whether a learner allowed the request.
func (r *OAuthRequest) Approved() bool { return r.UserID != 0 }

// OAuthRequestInput is what the authorization endpoint read.
type OAuthRequestInput struct {
	ClientID            string
	RedirectURI         string
	Scopes              obapi.Scopes
	State               string
	CodeChallenge       string
	CodeChallengeMethod string
}

// OAuthTokens are newly issued tokens, given to the caller once.
type OAuthTokens struct {
	Access        string
	AccessExpires time.Time
	Refresh       string // "" when none was issued
	Scopes        obapi.Scopes
}

// OAuthAccess is what a valid access token allows: whose badges, for
// which platform, with which scopes.
type OAuthAccess struct {
	ClientRef  int64 // the platform's internal id (OAuthClient.ID)
	UserID     int64
	GrantID    int64
	ClientID   string
	ClientName string
	Scopes     obapi.Scopes
	ExpiresAt  time.Time
}

// OAuthLifetimes are how long what the server issues stays valid.
type OAuthLifetimes struct {
	Request time.Duration // from the authorization endpoint to consent
	Code    time.Duration
	Access  time.Duration
	Refresh time.Duration // from each rotation
}

// DefaultOAuthLifetimes: codes live five minutes (RFC 6749 § 4.1.2 and OB
// 3.0 recommend at most ten), access tokens an hour (IMS recommends 3600
// seconds), refresh tokens 90 days from their last use, and a learner has
// half an hour to sign in and answer the consent page.
var DefaultOAuthLifetimes = OAuthLifetimes{
	Request: 30 * time.Minute,
	Code:    5 * time.Minute,
	Access:  time.Hour,
	Refresh: 90 * 24 * time.Hour,
}

const (
	tokenAccess  = "access"
	tokenRefresh = "refresh"
	// grantTouchEvery limits the writes that keep a grant's last use: one
	// per grant per minute at most.
	grantTouchEvery = time.Minute
)

// newOAuthSecret is 256 random bits, base64url: a client secret, a code, a
// token.
func newOAuthSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func secretHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// oauthError is a refusal with its RFC 6749 code for the client program
// and a fail code for the log and the web layer.
func oauthError(kind fail.Code, code obapi.ErrorCode, description string) error {
	e := obapi.NewOAuthError(code, description)
	return fail.Wrap(kind, e.Description, e)
}

// RegisterOAuthClient stores a platform's validated registration and
// returns it with its new client_id and its client secret, which is kept
// only as a hash: hand it to the platform and forget it.
func (db *DB) RegisterOAuthClient(ctx context.Context, r obapi.Registration, now time.Time) (*OAuthClient, string, error) {
	secret, err := newOAuthSecret()
	if err != nil {
		return nil, "", err
	}
	redirects, _ := json.Marshal(r.RedirectURIs)
	contacts, _ := json.Marshal(nonNil(r.Contacts))
	c := &OAuthClient{
		ClientID:        strings.ToLower(rand.Text()),
		Name:            r.ClientName,
		ClientURI:       r.ClientURI,
		LogoURI:         r.LogoURI,
		TermsURI:        r.TermsURI,
		PolicyURI:       r.PolicyURI,
		RedirectURIs:    r.RedirectURIs,
		Scopes:          r.Scopes,
		GrantTypes:      r.GrantTypes,
		Contacts:        r.Contacts,
		SoftwareID:      r.SoftwareID,
		SoftwareVersion: r.SoftwareVersion,
		CreatedAt:       fromNanos(nanos(now)),
	}
	err = db.writer.QueryRowContext(ctx, `INSERT INTO oauth_clients (client_id, secret_hash, name, client_uri, logo_uri, tos_uri, policy_uri,
		redirect_uris, scope, grant_types, contacts, software_id, software_version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.ClientID, secretHash(secret), c.Name, c.ClientURI, c.LogoURI, c.TermsURI, c.PolicyURI,
		string(redirects), c.Scopes.String(), strings.Join(c.GrantTypes, " "), string(contacts),
		c.SoftwareID, c.SoftwareVersion, nanos(now)).Scan(&c.ID)
	if err != nil {
		return nil, "", fmt.Errorf("store: register OAuth client: %w", err)
	}
	return c, secret, nil
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

const oauthClientColumns = `c.id, c.client_id, c.name, c.client_uri, c.logo_uri, c.tos_uri, c.policy_uri, c.redirect_uris,
	c.scope, c.grant_types, c.contacts, c.software_id, c.software_version, COALESCE(c.logo_image_id, 0), c.created_at`

func scanOAuthClient(row interface{ Scan(...any) error }, extra ...any) (*OAuthClient, error) {
	var c OAuthClient
	var redirects, scope, grants, contacts string
	var created int64
	dst := append([]any{&c.ID, &c.ClientID, &c.Name, &c.ClientURI, &c.LogoURI, &c.TermsURI, &c.PolicyURI, &redirects,
		&scope, &grants, &contacts, &c.SoftwareID, &c.SoftwareVersion, &c.LogoImageID, &created}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(redirects), &c.RedirectURIs); err != nil {
		return nil, fmt.Errorf("store: OAuth client %s: redirect_uris: %w", c.ClientID, err)
	}
	if err := json.Unmarshal([]byte(contacts), &c.Contacts); err != nil {
		return nil, fmt.Errorf("store: OAuth client %s: contacts: %w", c.ClientID, err)
	}
	if len(c.Contacts) == 0 {
		c.Contacts = nil
	}
	c.Scopes = obapi.ParseScopes(scope)
	c.GrantTypes = strings.Fields(grants)
	c.CreatedAt = fromNanos(created)
	return &c, nil
}

// OAuthClientByID is the platform registered as clientID; NotFound (with
// invalid_client) when there is none.
func (db *DB) OAuthClientByID(ctx context.Context, clientID string) (*OAuthClient, error) {
	c, err := scanOAuthClient(db.reader.QueryRowContext(ctx, "SELECT "+oauthClientColumns+" FROM oauth_clients c WHERE c.client_id = ?", clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, oauthError(fail.NotFound, obapi.ErrInvalidClient, "unknown client")
	}
	if err != nil {
		return nil, fmt.Errorf("store: OAuth client: %w", err)
	}
	return c, nil
}

// AuthenticateOAuthClient checks a platform's client_id and secret (HTTP
// Basic at the token and revocation endpoints). An unknown client and a
// wrong secret are the same Unauthorized refusal (invalid_client).
func (db *DB) AuthenticateOAuthClient(ctx context.Context, clientID, secret string) (*OAuthClient, error) {
	var hash []byte
	c, err := scanOAuthClient(db.reader.QueryRowContext(ctx, "SELECT "+oauthClientColumns+", c.secret_hash FROM oauth_clients c WHERE c.client_id = ?", clientID), &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: authenticate OAuth client: %w", err)
	}
	if err != nil || subtle.ConstantTimeCompare(hash, secretHash(secret)) != 1 {
		return nil, oauthError(fail.Unauthorized, obapi.ErrInvalidClient, "client authentication failed")
	}
	return c, nil
}

// CreateOAuthRequest records an authorization request once the
// authorization endpoint has read it, refusing what the platform may not
// ask: an unknown client (invalid_client: the endpoint must not redirect),
// a redirect URI it did not register, compared exactly
// (invalid_redirect_uri: nor then), a response to which the endpoint does
// redirect for scopes missing, unknown or not registered (invalid_scope),
// and PKCE other than S256 (invalid_request).
func (db *DB) CreateOAuthRequest(ctx context.Context, in OAuthRequestInput, lt OAuthLifetimes, now time.Time) (*OAuthRequest, error) {
	c, err := db.OAuthClientByID(ctx, in.ClientID)
	if err != nil {
		return nil, err
	}
	if !obapi.MatchRedirectURI(c.RedirectURIs, in.RedirectURI) {
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidRedirectURI, "redirect_uri is not one the client registered")
	}
	switch {
	case len(in.Scopes) == 0:
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidScope, "scope is required")
	case len(in.Scopes.Unknown()) > 0:
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidScope, "scope lists scopes this server does not offer: "+in.Scopes.Unknown().String())
	case !in.Scopes.Within(c.Scopes):
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidScope, "scope lists scopes the client did not register")
	}
	if e := obapi.CheckCodeChallenge(in.CodeChallenge, in.CodeChallengeMethod); e != nil {
		return nil, fail.Wrap(fail.Invalid, e.Description, e)
	}
	r := &OAuthRequest{
		ID:            rand.Text(),
		Client:        c,
		RedirectURI:   in.RedirectURI,
		Scopes:        in.Scopes,
		State:         in.State,
		CodeChallenge: in.CodeChallenge,
		CreatedAt:     fromNanos(nanos(now)),
		ExpiresAt:     fromNanos(nanos(now.Add(lt.Request))),
	}
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO oauth_requests (id, client_id, redirect_uri, scope, state, code_challenge, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, c.ID, r.RedirectURI, r.Scopes.String(), r.State, r.CodeChallenge, nanos(r.CreatedAt), nanos(r.ExpiresAt)); err != nil {
		return nil, fmt.Errorf("store: create OAuth request: %w", err)
	}
	return r, nil
}

const oauthRequestColumns = `r.id, r.redirect_uri, r.scope, r.state, r.code_challenge, r.created_at, r.expires_at,
	COALESCE(r.user_id, 0), COALESCE(r.grant_id, 0), r.approved_at`

func scanOAuthRequest(row interface{ Scan(...any) error }) (*OAuthRequest, error) {
	var r OAuthRequest
	var scope string
	var created, expires, approved int64
	// The client's columns follow the request's in every query.
	c, err := scanOAuthClient(scanPrefix{row: row, before: []any{&r.ID, &r.RedirectURI, &scope, &r.State, &r.CodeChallenge,
		&created, &expires, &r.UserID, &r.GrantID, &approved}})
	if err != nil {
		return nil, err
	}
	r.Client = c
	r.Scopes = obapi.ParseScopes(scope)
	r.CreatedAt, r.ExpiresAt = fromNanos(created), fromNanos(expires)
	if approved != 0 {
		r.ApprovedAt = fromNanos(approved)
	}
	return &r, nil
}

// scanPrefix scans columns into before, then into what its caller asks.
type scanPrefix struct {
	row    interface{ Scan(...any) error }
	before []any
}

func (s scanPrefix) Scan(dst ...any) error { return s.row.Scan(append(s.before, dst...)...) }

// lockOf locks, on PostgreSQL, the rows of one table of a join (alias)
// for the rest of the transaction; SQLite's write transaction holds the
// whole database already.
func lockOf(pg bool, alias string) string {
	if !pg {
		return ""
	}
	return " FOR UPDATE OF " + alias
}

const oauthRequestFrom = " FROM oauth_requests r JOIN oauth_clients c ON c.id = r.client_id"

// OAuthRequestByID is a pending authorization request, for the consent
// page; NotFound when there is none or it has expired.
func (db *DB) OAuthRequestByID(ctx context.Context, id string, now time.Time) (*OAuthRequest, error) {
	r, err := scanOAuthRequest(db.reader.QueryRowContext(ctx, "SELECT "+oauthRequestColumns+", "+oauthClientColumns+oauthRequestFrom+
		" WHERE r.id = ? AND r.expires_at > ?", id, nanos(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, AppRequestGone()
	}
	if err != nil {
		return nil, fmt.Errorf("store: OAuth request: %w", err)
	}
	return r, nil
}

// AppRequestGone is the refusal of an authorization request that expired,
// was answered already, or never was: the learner starts again at the app.
func AppRequestGone() error {
	return (&fail.Error{Code: fail.NotFound, Message: "This request to connect an app has expired or does not exist. Go back to the app and start again."}).Say("store_msg.app_request_gone")
}

// ApproveOAuthRequest records that the learner allowed the request: their
// grant to the platform is created, or widened to the scopes asked now,
// and the request is bound to them. Approving again as the same learner
// changes nothing; a request another learner approved is NotFound.
func (db *DB) ApproveOAuthRequest(ctx context.Context, id string, userID int64, now time.Time) (*OAuthRequest, error) {
	var r *OAuthRequest
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanOAuthRequest(tx.QueryRowContext(ctx, "SELECT "+oauthRequestColumns+", "+oauthClientColumns+oauthRequestFrom+
			" WHERE r.id = ? AND r.expires_at > ?"+lockOf(db.pg, "r"), id, nanos(now)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return AppRequestGone()
		case err != nil:
			return err
		case r.UserID == userID:
			return nil
		case r.UserID != 0:
			return AppRequestGone()
		}
		var grantID int64
		var granted string
		err = tx.QueryRowContext(ctx, "SELECT id, scope FROM oauth_grants WHERE user_id = ? AND client_id = ?"+lockRows(db.pg, false),
			userID, r.Client.ID).Scan(&grantID, &granted)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = tx.QueryRowContext(ctx, "INSERT INTO oauth_grants (user_id, client_id, scope, created_at) VALUES (?, ?, ?, ?) RETURNING id",
				userID, r.Client.ID, r.Scopes.String(), nanos(now)).Scan(&grantID)
		case err == nil:
			scopes := obapi.ParseScopes(granted + " " + r.Scopes.String())
			_, err = tx.ExecContext(ctx, "UPDATE oauth_grants SET scope = ? WHERE id = ?", scopes.String(), grantID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE oauth_requests SET user_id = ?, grant_id = ?, approved_at = ? WHERE id = ?",
			userID, grantID, nanos(now), id); err != nil {
			return err
		}
		r.UserID, r.GrantID, r.ApprovedAt = userID, grantID, fromNanos(nanos(now))
		return nil
	})
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return nil, err
		}
		return nil, fmt.Errorf("store: approve OAuth request: %w", err)
	}
	return r, nil
}

// DeleteOAuthRequest forgets a request the learner denied.
func (db *DB) DeleteOAuthRequest(ctx context.Context, id string) error {
	if _, err := db.writer.ExecContext(ctx, "DELETE FROM oauth_requests WHERE id = ?", id); err != nil {
		return fmt.Errorf("store: delete OAuth request: %w", err)
	}
	return nil
}

// SetOAuthCode gives an approved request its authorization code, valid for
// lt.Code and stored as its hash. A request gets one code only.
func (db *DB) SetOAuthCode(ctx context.Context, id, code string, lt OAuthLifetimes, now time.Time) error {
	res, err := db.writer.ExecContext(ctx, `UPDATE oauth_requests SET code_hash = ?, code_expires_at = ?
		WHERE id = ? AND user_id IS NOT NULL AND code_hash IS NULL AND expires_at > ?`,
		secretHash(code), nanos(now.Add(lt.Code)), id, nanos(now))
	if err != nil {
		return fmt.Errorf("store: set OAuth code: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &fail.Error{Code: fail.Conflict, Message: "this request is not approved, has expired or already has a code"}
	}
	return nil
}

// NewOAuthCode makes an authorization code for an approved request and
// stores it (SetOAuthCode).
func (db *DB) NewOAuthCode(ctx context.Context, id string, lt OAuthLifetimes, now time.Time) (string, error) {
	code, err := newOAuthSecret()
	if err != nil {
		return "", err
	}
	if err := db.SetOAuthCode(ctx, id, code, lt, now); err != nil {
		return "", err
	}
	return code, nil
}

// RedeemOAuthCode uses an authorization code, once: the request it was
// issued for comes back, for the caller to check the client, the redirect
// URI and the PKCE verifier against. A code used before is refused and,
// as OB 3.0 § 7 asks, every token issued from it is revoked; an expired
// or unknown code is refused too (all invalid_grant).
func (db *DB) RedeemOAuthCode(ctx context.Context, code string, now time.Time) (*OAuthRequest, error) {
	hash, at := secretHash(code), nanos(now)
	var id string
	err := db.writer.QueryRowContext(ctx, `UPDATE oauth_requests SET code_used_at = ?
		WHERE code_hash = ? AND code_used_at = 0 AND code_expires_at > ? RETURNING id`, at, hash, at).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		var used int64
		err = db.reader.QueryRowContext(ctx, "SELECT id, code_used_at FROM oauth_requests WHERE code_hash = ?", hash).Scan(&id, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "unknown authorization code")
		case err != nil:
			return nil, fmt.Errorf("store: redeem OAuth code: %w", err)
		case used != 0:
			if err := db.revokeFamily(ctx, id, now); err != nil {
				return nil, err
			}
			return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "authorization code already used; the tokens issued from it are revoked")
		}
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "authorization code expired")
	}
	if err != nil {
		return nil, fmt.Errorf("store: redeem OAuth code: %w", err)
	}
	r, err := scanOAuthRequest(db.writer.QueryRowContext(ctx, "SELECT "+oauthRequestColumns+", "+oauthClientColumns+oauthRequestFrom+" WHERE r.id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("store: redeem OAuth code: %w", err)
	}
	return r, nil
}

// revokeFamily revokes every token descended from one authorization code.
func (db *DB) revokeFamily(ctx context.Context, family string, now time.Time) error {
	if _, err := db.writer.ExecContext(ctx, "UPDATE oauth_tokens SET revoked_at = ? WHERE family = ? AND revoked_at = 0", nanos(now), family); err != nil {
		return fmt.Errorf("store: revoke tokens: %w", err)
	}
	return nil
}

// IssueOAuthTokens issues an access token, and a refresh token when
// withRefresh, for the learner's grant of a redeemed request, with its
// scopes. The grant must still exist: a platform disconnected meanwhile
// gets invalid_grant.
func (db *DB) IssueOAuthTokens(ctx context.Context, r *OAuthRequest, withRefresh bool, lt OAuthLifetimes, now time.Time) (OAuthTokens, error) {
	if !r.Approved() {
		return OAuthTokens{}, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "the request was not approved")
	}
	var out OAuthTokens
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = db.issueTokens(ctx, tx, r.GrantID, r.ID, r.Scopes, withRefresh, lt, now)
		return err
	})
	return out, err
}

// issueTokens inserts new tokens of a grant's family in tx.
func (db *DB) issueTokens(ctx context.Context, tx *sql.Tx, grantID int64, family string, scopes obapi.Scopes, withRefresh bool, lt OAuthLifetimes, now time.Time) (OAuthTokens, error) {
	var one int
	// KEY SHARE on PostgreSQL: a Disconnect (DELETE) waits until the
	// tokens are in, and then removes them with the grant.
	keyShare := ""
	if db.pg {
		keyShare = " FOR KEY SHARE"
	}
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM oauth_grants WHERE id = ?"+keyShare, grantID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthTokens{}, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "the learner disconnected this app")
	}
	if err != nil {
		return OAuthTokens{}, fmt.Errorf("store: issue tokens: %w", err)
	}
	out := OAuthTokens{AccessExpires: fromNanos(nanos(now.Add(lt.Access))), Scopes: scopes}
	insert := func(kind string, ttl time.Duration) (string, error) {
		tok, err := newOAuthSecret()
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO oauth_tokens (token_hash, kind, grant_id, family, scope, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, secretHash(tok), kind, grantID, family, scopes.String(), nanos(now), nanos(now.Add(ttl))); err != nil {
			return "", fmt.Errorf("store: issue %s token: %w", kind, err)
		}
		return tok, nil
	}
	if out.Access, err = insert(tokenAccess, lt.Access); err != nil {
		return OAuthTokens{}, err
	}
	if withRefresh {
		if out.Refresh, err = insert(tokenRefresh, lt.Refresh); err != nil {
			return OAuthTokens{}, err
		}
	}
	return out, nil
}

// RotateOAuthRefresh exchanges a refresh token of clientID for new tokens
// (RFC 6749 § 6), retiring it: each refresh token works once. scopes may
// narrow the grant (nil keeps the token's); asking for more is
// invalid_scope. A refresh token presented again after its rotation is
// taken as stolen: its whole family is revoked (invalid_grant). An
// unknown, expired or revoked token, or one of another client, is
// invalid_grant.
func (db *DB) RotateOAuthRefresh(ctx context.Context, clientID, refresh string, scopes obapi.Scopes, lt OAuthLifetimes, now time.Time) (OAuthTokens, error) {
	var out OAuthTokens
	var reused string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var id, grantID, expires, revoked int64
		var family, scope, owner string
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.grant_id, t.family, t.scope, t.expires_at, t.revoked_at, c.client_id
			FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN oauth_clients c ON c.id = g.client_id
			WHERE t.token_hash = ? AND t.kind = 'refresh'`+lockOf(db.pg, "t"), secretHash(refresh)).
			Scan(&id, &grantID, &family, &scope, &expires, &revoked, &owner)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && owner != clientID):
			return oauthError(fail.Invalid, obapi.ErrInvalidGrant, "unknown refresh token")
		case err != nil:
			return err
		case revoked != 0:
			reused = family
			return oauthError(fail.Invalid, obapi.ErrInvalidGrant, "refresh token already used or revoked")
		case expires <= nanos(now):
			return oauthError(fail.Invalid, obapi.ErrInvalidGrant, "refresh token expired")
		}
		granted := obapi.ParseScopes(scope)
		if len(scopes) == 0 {
			scopes = granted
		} else if !scopes.Within(granted) {
			return oauthError(fail.Invalid, obapi.ErrInvalidScope, "scope asks for more than was granted")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE oauth_tokens SET revoked_at = ? WHERE id = ?", nanos(now), id); err != nil {
			return err
		}
		out, err = db.issueTokens(ctx, tx, grantID, family, scopes, true, lt, now)
		return err
	})
	if reused != "" {
		// Outside the refused transaction, so that the revocation stays.
		if rerr := db.revokeFamily(ctx, reused, now); rerr != nil {
			return OAuthTokens{}, rerr
		}
	}
	if err != nil {
		if fail.CodeOf(err) != fail.Internal {
			return OAuthTokens{}, err
		}
		return OAuthTokens{}, fmt.Errorf("store: refresh OAuth tokens: %w", err)
	}
	return out, nil
}

// OAuthRefresh is what a refresh token stands for, for a token endpoint
// that checks the client before it rotates the token.
type OAuthRefresh struct {
	ClientID  string
	UserID    int64
	GrantID   int64
	Scopes    obapi.Scopes
	ExpiresAt time.Time
	// GrantedAt is when the learner connected the platform: the
	// authentication time the token endpoint reports.
	GrantedAt time.Time
}

// OAuthRefreshByToken reads a refresh token without using it. Like
// RotateOAuthRefresh it refuses (invalid_grant) a token that is unknown,
// expired, or revoked, and one presented again after its rotation revokes
// its family.
func (db *DB) OAuthRefreshByToken(ctx context.Context, refresh string, now time.Time) (*OAuthRefresh, error) {
	var r OAuthRefresh
	var family, scope string
	var expires, revoked, granted int64
	err := db.reader.QueryRowContext(ctx, `SELECT c.client_id, g.user_id, g.id, g.created_at, t.family, t.scope, t.expires_at, t.revoked_at
		FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN oauth_clients c ON c.id = g.client_id
		WHERE t.token_hash = ? AND t.kind = 'refresh'`, secretHash(refresh)).
		Scan(&r.ClientID, &r.UserID, &r.GrantID, &granted, &family, &scope, &expires, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "unknown refresh token")
	case err != nil:
		return nil, fmt.Errorf("store: OAuth refresh token: %w", err)
	case revoked != 0:
		if err := db.revokeFamily(ctx, family, now); err != nil {
			return nil, err
		}
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "refresh token already used or revoked")
	case expires <= nanos(now):
		return nil, oauthError(fail.Invalid, obapi.ErrInvalidGrant, "refresh token expired")
	}
	r.Scopes, r.ExpiresAt, r.GrantedAt = obapi.ParseScopes(scope), fromNanos(expires), fromNanos(granted)
	return &r, nil
}

// OAuthAccessByToken is what a bearer access token allows, for the
// resource endpoints, which then check its scopes. A token that is
// unknown, expired, revoked, or whose grant was disconnected is
// Unauthorized (401). It notes the grant's last use, at most once a
// minute.
func (db *DB) OAuthAccessByToken(ctx context.Context, token string, now time.Time) (*OAuthAccess, error) {
	var a OAuthAccess
	var scope string
	var expires, lastUsed int64
	err := db.reader.QueryRowContext(ctx, `SELECT c.id, g.user_id, g.id, c.client_id, c.name, t.scope, t.expires_at, g.last_used_at
		FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id JOIN oauth_clients c ON c.id = g.client_id
		WHERE t.token_hash = ? AND t.kind = 'access' AND t.revoked_at = 0 AND t.expires_at > ?`,
		secretHash(token), nanos(now)).Scan(&a.ClientRef, &a.UserID, &a.GrantID, &a.ClientID, &a.ClientName, &scope, &expires, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, oauthError(fail.Unauthorized, obapi.ErrInvalidToken, "the access token is unknown, expired or revoked")
	}
	if err != nil {
		return nil, fmt.Errorf("store: OAuth access: %w", err)
	}
	a.Scopes, a.ExpiresAt = obapi.ParseScopes(scope), fromNanos(expires)
	if t := nanos(now); t-lastUsed >= int64(grantTouchEvery) {
		if _, err := db.writer.ExecContext(ctx, "UPDATE oauth_grants SET last_used_at = ? WHERE id = ? AND last_used_at < ?",
			t, a.GrantID, t-int64(grantTouchEvery)); err != nil {
			return nil, fmt.Errorf("store: OAuth access: note use: %w", err)
		}
	}
	return &a, nil
}

// RevokeOAuthToken revokes a token of clientID (RFC 7009): an access
// token alone, a refresh token with every token of its family (RFC 7009
// § 2.1). A token that is unknown, already revoked or another client's is
// left alone without an error, so the answer (200) tells nothing.
func (db *DB) RevokeOAuthToken(ctx context.Context, clientID, token string, now time.Time) error {
	var family, kind string
	err := db.reader.QueryRowContext(ctx, `SELECT t.family, t.kind FROM oauth_tokens t
		JOIN oauth_grants g ON g.id = t.grant_id JOIN oauth_clients c ON c.id = g.client_id
		WHERE t.token_hash = ? AND c.client_id = ?`, secretHash(token), clientID).Scan(&family, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: revoke OAuth token: %w", err)
	}
	if kind == tokenRefresh {
		return db.revokeFamily(ctx, family, now)
	}
	if _, err := db.writer.ExecContext(ctx, "UPDATE oauth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at = 0", nanos(now), secretHash(token)); err != nil {
		return fmt.Errorf("store: revoke OAuth token: %w", err)
	}
	return nil
}

// ConnectedApp is one platform a learner connected, for the account
// page.
type ConnectedApp struct {
	GrantID     int64
	ClientID    string
	Name        string
	ClientURI   string
	Host        string // client_uri's host, shown in plain text
	LogoImageID int64
	LogoHash    string // the stored logo's address (paths.Image), "" when none
	Scopes      obapi.Scopes
	ConnectedAt time.Time
	LastUsedAt  time.Time // zero: never used
}

// ConnectedApps lists the platforms the learner connected, most recently
// connected first.
func (db *DB) ConnectedApps(ctx context.Context, userID int64) ([]ConnectedApp, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT g.id, c.client_id, c.name, c.client_uri, COALESCE(c.logo_image_id, 0), COALESCE(i.hash, ''),
		g.scope, g.created_at, g.last_used_at
		FROM oauth_grants g JOIN oauth_clients c ON c.id = g.client_id LEFT JOIN images i ON i.id = c.logo_image_id
		WHERE g.user_id = ? ORDER BY g.created_at DESC, g.id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: connected apps: %w", err)
	}
	defer rows.Close()
	var out []ConnectedApp
	for rows.Next() {
		var a ConnectedApp
		var scope string
		var created, used int64
		if err := rows.Scan(&a.GrantID, &a.ClientID, &a.Name, &a.ClientURI, &a.LogoImageID, &a.LogoHash, &scope, &created, &used); err != nil {
			return nil, fmt.Errorf("store: connected apps: %w", err)
		}
		a.Scopes, a.ConnectedAt = obapi.ParseScopes(scope), fromNanos(created)
		if used != 0 {
			a.LastUsedAt = fromNanos(used)
		}
		a.Host = obapi.HostOf(a.ClientURI)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: connected apps: %w", err)
	}
	return out, nil
}

// DisconnectApp removes a learner's grant to a platform with every token
// and pending request of it, at once. Another learner's grant, or one
// already gone, is NotFound.
func (db *DB) DisconnectApp(ctx context.Context, userID, grantID int64) error {
	res, err := db.writer.ExecContext(ctx, "DELETE FROM oauth_grants WHERE id = ? AND user_id = ?", grantID, userID)
	if err != nil {
		return fmt.Errorf("store: disconnect app: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return (&fail.Error{Code: fail.NotFound, Message: "This app is not connected to your backpack."}).Say("store_msg.app_not_connected")
	}
	return nil
}

// PruneOAuth deletes what can no longer be used: requests past their
// lifetime whose code (if any) has expired, and tokens past their expiry.
// A revoked refresh token stays until it expires, to recognise its reuse.
func (db *DB) PruneOAuth(ctx context.Context, now time.Time) error {
	t := nanos(now)
	if _, err := db.writer.ExecContext(ctx, "DELETE FROM oauth_requests WHERE expires_at <= ? AND code_expires_at <= ?", t, t); err != nil {
		return fmt.Errorf("store: prune OAuth requests: %w", err)
	}
	if _, err := db.writer.ExecContext(ctx, "DELETE FROM oauth_tokens WHERE expires_at <= ?", t); err != nil {
		return fmt.Errorf("store: prune OAuth tokens: %w", err)
	}
	return nil
}
