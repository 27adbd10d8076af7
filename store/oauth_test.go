package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/store"
)

// The RFC 7636 Appendix B challenge: the tests here only store it, the
// token endpoint checks the verifier.
const testChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

var (
	oauthT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lt      = store.DefaultOAuthLifetimes
)

// mustClient registers a platform on host with the given scopes (all
// offered when none) and returns it with its secret.
func mustClient(t *testing.T, db *store.DB, host string, scopes ...obapi.Scope) (*store.OAuthClient, string) {
	t.Helper()
	req := map[string]any{
		"client_name":   "LMS at " + host,
		"client_uri":    "https://" + host + "/",
		"redirect_uris": []string{"https://" + host + "/cb"},
		"grant_types":   []string{"authorization_code", "refresh_token"},
	}
	if len(scopes) > 0 {
		req["scope"] = obapi.Scopes(scopes).String()
	}
	body, _ := json.Marshal(req)
	reg, err := obapi.ParseRegistration(body)
	if err != nil {
		t.Fatal(err)
	}
	c, secret, err := db.RegisterOAuthClient(context.Background(), reg, oauthT0)
	if err != nil {
		t.Fatal(err)
	}
	return c, secret
}

// mustApprovedRequest runs the authorization endpoint and the consent
// page for user and returns the request and its code.
func mustApprovedRequest(t *testing.T, db *store.DB, c *store.OAuthClient, userID int64, scopes obapi.Scopes, at time.Time) (*store.OAuthRequest, string) {
	t.Helper()
	ctx := context.Background()
	r, err := db.CreateOAuthRequest(ctx, store.OAuthRequestInput{ClientID: c.ClientID, RedirectURI: c.RedirectURIs[0],
		Scopes: scopes, State: "xyz", CodeChallenge: testChallenge, CodeChallengeMethod: "S256"}, lt, at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveOAuthRequest(ctx, r.ID, userID, at); err != nil {
		t.Fatal(err)
	}
	code, err := db.NewOAuthCode(ctx, r.ID, lt, at)
	if err != nil {
		t.Fatal(err)
	}
	return r, code
}

// mustTokens redeems code and issues tokens with a refresh token.
func mustTokens(t *testing.T, db *store.DB, code string, at time.Time) store.OAuthTokens {
	t.Helper()
	ctx := context.Background()
	r, err := db.RedeemOAuthCode(ctx, code, at)
	if err != nil {
		t.Fatal(err)
	}
	toks, err := db.IssueOAuthTokens(ctx, r, true, lt, at)
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

// oauthCode is the RFC 6749 error code an error carries ("" when none).
func oauthCode(err error) obapi.ErrorCode {
	var oe *obapi.OAuthError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}

func TestRegisterOAuthClient_KeepsOnlyTheSecretsHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	c, secret := mustClient(t, db, "lms.example", obapi.ScopeCredentialUpsert, obapi.ScopeOfflineAccess)
	if len(secret) < 43 || len(c.ClientID) < 16 {
		t.Fatalf("client_id %q, secret %q: too short to be unguessable", c.ClientID, secret)
	}
	got, err := db.OAuthClientByID(ctx, c.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "LMS at lms.example" || got.ClientURI != "https://lms.example/" || strings.Join(got.RedirectURIs, " ") != "https://lms.example/cb" ||
		got.Scopes.String() != (obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeOfflineAccess}).String() || !got.AllowsRefresh() || !got.CreatedAt.Equal(oauthT0) {
		t.Errorf("stored client %+v", got)
	}
	var hash []byte
	if err := mustRaw(t, db).QueryRow("SELECT secret_hash FROM oauth_clients WHERE client_id = ?", c.ClientID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(secret)); !bytes.Equal(hash, sum[:]) {
		t.Error("the secret should be stored as its SHA-256 and nothing else")
	}

	if _, err := db.AuthenticateOAuthClient(ctx, c.ClientID, secret); err != nil {
		t.Errorf("the right secret refused: %v", err)
	}
	for _, tc := range []struct{ id, secret string }{{c.ClientID, secret + "x"}, {c.ClientID, ""}, {"nosuchclient0000", secret}} {
		_, err := db.AuthenticateOAuthClient(ctx, tc.id, tc.secret)
		if fail.CodeOf(err) != fail.Unauthorized || oauthCode(err) != obapi.ErrInvalidClient {
			t.Errorf("AuthenticateOAuthClient(%q, %q) = %v, want Unauthorized invalid_client", tc.id, tc.secret, err)
		}
	}
	if _, err := db.OAuthClientByID(ctx, "nosuchclient0000"); fail.CodeOf(err) != fail.NotFound || oauthCode(err) != obapi.ErrInvalidClient {
		t.Errorf("unknown client: %v", err)
	}
}

func TestCreateOAuthRequest_RefusesWhatTheClientMayNotAsk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	c, _ := mustClient(t, db, "lms.example", obapi.ScopeCredentialReadonly, obapi.ScopeCredentialUpsert)
	ok := store.OAuthRequestInput{ClientID: c.ClientID, RedirectURI: "https://lms.example/cb",
		Scopes: obapi.Scopes{obapi.ScopeCredentialUpsert}, State: "s", CodeChallenge: testChallenge, CodeChallengeMethod: "S256"}
	if _, err := db.CreateOAuthRequest(ctx, ok, lt, oauthT0); err != nil {
		t.Fatalf("a proper request refused: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*store.OAuthRequestInput)
		want obapi.ErrorCode
	}{
		{"unknown client", func(in *store.OAuthRequestInput) { in.ClientID = "nosuchclient0000" }, obapi.ErrInvalidClient},
		{"redirect URI one character off", func(in *store.OAuthRequestInput) { in.RedirectURI = "https://lms.example/cc" }, obapi.ErrInvalidRedirectURI},
		{"redirect URI with a slash more", func(in *store.OAuthRequestInput) { in.RedirectURI = "https://lms.example/cb/" }, obapi.ErrInvalidRedirectURI},
		{"no redirect URI", func(in *store.OAuthRequestInput) { in.RedirectURI = "" }, obapi.ErrInvalidRedirectURI},
		{"no scope", func(in *store.OAuthRequestInput) { in.Scopes = nil }, obapi.ErrInvalidScope},
		{"scope not offered", func(in *store.OAuthRequestInput) { in.Scopes = obapi.Scopes{"openid"} }, obapi.ErrInvalidScope},
		{"scope not registered", func(in *store.OAuthRequestInput) { in.Scopes = obapi.Scopes{obapi.ScopeProfileUpdate} }, obapi.ErrInvalidScope},
		{"no PKCE", func(in *store.OAuthRequestInput) { in.CodeChallenge, in.CodeChallengeMethod = "", "" }, obapi.ErrInvalidRequest},
		{"plain PKCE", func(in *store.OAuthRequestInput) { in.CodeChallengeMethod = "plain" }, obapi.ErrInvalidRequest},
	} {
		in := ok
		tc.edit(&in)
		if _, err := db.CreateOAuthRequest(ctx, in, lt, oauthT0); oauthCode(err) != tc.want || fail.CodeOf(err) == fail.Internal {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestOAuthRequest_ApprovedByOneLearnerOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	bob := mustUser(t, db, store.Identity{Provider: "dev", Subject: "bob"})
	c, _ := mustClient(t, db, "lms.example")
	r, err := db.CreateOAuthRequest(ctx, store.OAuthRequestInput{ClientID: c.ClientID, RedirectURI: "https://lms.example/cb",
		Scopes: obapi.Scopes{obapi.ScopeCredentialUpsert}, State: "s", CodeChallenge: testChallenge, CodeChallengeMethod: "S256"}, lt, oauthT0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.OAuthRequestByID(ctx, r.ID, oauthT0.Add(time.Minute))
	if err != nil || got.Approved() || got.Client.ClientID != c.ClientID || got.State != "s" || got.CodeChallenge != testChallenge {
		t.Fatalf("pending request %+v, %v", got, err)
	}
	if _, err := db.NewOAuthCode(ctx, r.ID, lt, oauthT0); fail.CodeOf(err) != fail.Conflict {
		t.Errorf("a code before approval: %v, want Conflict", err)
	}
	a, err := db.ApproveOAuthRequest(ctx, r.ID, ada.ID, oauthT0.Add(time.Minute))
	if err != nil || a.UserID != ada.ID || a.GrantID == 0 {
		t.Fatalf("approve: %+v, %v", a, err)
	}
	if again, err := db.ApproveOAuthRequest(ctx, r.ID, ada.ID, oauthT0.Add(2*time.Minute)); err != nil || again.GrantID != a.GrantID {
		t.Errorf("approving twice as the same learner: %+v, %v", again, err)
	}
	if _, err := db.ApproveOAuthRequest(ctx, r.ID, bob.ID, oauthT0.Add(2*time.Minute)); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("another learner took over the request: %v", err)
	}
	if _, err := db.NewOAuthCode(ctx, r.ID, lt, oauthT0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewOAuthCode(ctx, r.ID, lt, oauthT0.Add(2*time.Minute)); fail.CodeOf(err) != fail.Conflict {
		t.Errorf("a second code for one request: %v, want Conflict", err)
	}

	late, err := db.CreateOAuthRequest(ctx, store.OAuthRequestInput{ClientID: c.ClientID, RedirectURI: "https://lms.example/cb",
		Scopes: obapi.Scopes{obapi.ScopeCredentialUpsert}, CodeChallenge: testChallenge, CodeChallengeMethod: "S256"}, lt, oauthT0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthRequestByID(ctx, late.ID, oauthT0.Add(lt.Request)); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("an expired request shown: %v", err)
	}
	if _, err := db.ApproveOAuthRequest(ctx, late.ID, ada.ID, oauthT0.Add(lt.Request)); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("an expired request approved: %v", err)
	}
	if err := db.DeleteOAuthRequest(ctx, late.ID); err != nil {
		t.Fatal(err)
	}
}

func TestOAuthCode_SingleUseAndReuseRevokesItsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	scopes := obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeCredentialReadonly}
	_, code := mustApprovedRequest(t, db, c, ada.ID, scopes, oauthT0)

	at := oauthT0.Add(time.Minute)
	r, err := db.RedeemOAuthCode(ctx, code, at)
	if err != nil {
		t.Fatal(err)
	}
	// What the token endpoint checks the request against.
	if r.Client.ClientID != c.ClientID || r.RedirectURI != "https://lms.example/cb" || r.CodeChallenge != testChallenge || r.UserID != ada.ID {
		t.Errorf("redeemed request %+v", r)
	}
	toks, err := db.IssueOAuthTokens(ctx, r, true, lt, at)
	if err != nil {
		t.Fatal(err)
	}
	if toks.Access == "" || toks.Refresh == "" || toks.Access == toks.Refresh || !toks.AccessExpires.Equal(at.Add(time.Hour)) {
		t.Fatalf("tokens %+v", toks)
	}
	access, err := db.OAuthAccessByToken(ctx, toks.Access, at)
	if err != nil || access.UserID != ada.ID || access.ClientID != c.ClientID || access.Scopes.String() != scopes.String() {
		t.Fatalf("access %+v, %v", access, err)
	}

	if _, err := db.RedeemOAuthCode(ctx, code, at.Add(time.Second)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Fatalf("code used twice: %v, want invalid_grant", err)
	}
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, at.Add(time.Second)); oauthCode(err) != obapi.ErrInvalidToken || fail.CodeOf(err) != fail.Unauthorized {
		t.Errorf("the access token of a reused code still works: %v", err)
	}
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, toks.Refresh, nil, lt, at.Add(time.Second)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("the refresh token of a reused code still works: %v", err)
	}
}

func TestOAuthCode_ExpiresAndUnknownIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	_, code := mustApprovedRequest(t, db, c, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	if _, err := db.RedeemOAuthCode(ctx, code, oauthT0.Add(lt.Code)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("an expired code: %v, want invalid_grant", err)
	}
	if _, err := db.RedeemOAuthCode(ctx, code+"x", oauthT0); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("an unknown code: %v, want invalid_grant", err)
	}
}

func TestRotateOAuthRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	other, _ := mustClient(t, db, "other.example")
	scopes := obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeCredentialReadonly, obapi.ScopeOfflineAccess}
	_, code := mustApprovedRequest(t, db, c, ada.ID, scopes, oauthT0)
	first := mustTokens(t, db, code, oauthT0)

	at := oauthT0.Add(2 * time.Hour)
	if _, err := db.OAuthAccessByToken(ctx, first.Access, at); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("an access token two hours old: %v, want invalid_token", err)
	}
	if _, err := db.RotateOAuthRefresh(ctx, other.ClientID, first.Refresh, nil, lt, at); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("another client's refresh token: %v, want invalid_grant", err)
	}
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, first.Refresh, obapi.Scopes{obapi.ScopeProfileUpdate}, lt, at); oauthCode(err) != obapi.ErrInvalidScope {
		t.Errorf("refresh asking for more: %v, want invalid_scope", err)
	}
	second, err := db.RotateOAuthRefresh(ctx, c.ClientID, first.Refresh, obapi.Scopes{obapi.ScopeCredentialUpsert}, lt, at)
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.OAuthAccessByToken(ctx, second.Access, at)
	if err != nil || a.Scopes.String() != string(obapi.ScopeCredentialUpsert) || second.Refresh == first.Refresh {
		t.Fatalf("after a narrowing refresh: %+v, %v", a, err)
	}

	// The first refresh token again: stolen, so the family goes.
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, first.Refresh, nil, lt, at.Add(time.Minute)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Fatalf("a rotated refresh token reused: %v, want invalid_grant", err)
	}
	if _, err := db.OAuthAccessByToken(ctx, second.Access, at.Add(time.Minute)); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("the family's access token survived the reuse: %v", err)
	}
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, second.Refresh, nil, lt, at.Add(time.Minute)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("the family's refresh token survived the reuse: %v", err)
	}

	_, code = mustApprovedRequest(t, db, c, ada.ID, scopes, oauthT0)
	old := mustTokens(t, db, code, oauthT0)
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, old.Refresh, nil, lt, oauthT0.Add(lt.Refresh)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("an expired refresh token: %v, want invalid_grant", err)
	}
}

func TestRevokeOAuthToken_RFC7009(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	other, _ := mustClient(t, db, "other.example")
	scopes := obapi.Scopes{obapi.ScopeCredentialUpsert}
	_, code := mustApprovedRequest(t, db, c, ada.ID, scopes, oauthT0)
	toks := mustTokens(t, db, code, oauthT0)

	// Another client's revocation, and an unknown token: no error, no effect.
	if err := db.RevokeOAuthToken(ctx, other.ClientID, toks.Access, oauthT0); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeOAuthToken(ctx, c.ClientID, "no such token", oauthT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, oauthT0); err != nil {
		t.Fatalf("another client revoked this client's token: %v", err)
	}
	if err := db.RevokeOAuthToken(ctx, c.ClientID, toks.Access, oauthT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, oauthT0); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("a revoked access token works: %v", err)
	}
	second, err := db.RotateOAuthRefresh(ctx, c.ClientID, toks.Refresh, nil, lt, oauthT0)
	if err != nil {
		t.Fatalf("revoking the access token should leave the refresh token: %v", err)
	}
	if err := db.RevokeOAuthToken(ctx, c.ClientID, second.Refresh, oauthT0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthAccessByToken(ctx, second.Access, oauthT0); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("revoking a refresh token should revoke the access tokens of its grant: %v", err)
	}
}

func TestConnectedApps_ListLastUseAndDisconnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	bob := mustUser(t, db, store.Identity{Provider: "dev", Subject: "bob"})
	lms, _ := mustClient(t, db, "lms.example")
	mooc, _ := mustClient(t, db, "mooc.example")
	_, code := mustApprovedRequest(t, db, lms, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	toks := mustTokens(t, db, code, oauthT0)
	// Connecting again widens the grant to the union of what was allowed.
	_, _ = mustApprovedRequest(t, db, lms, ada.ID, obapi.Scopes{obapi.ScopeCredentialReadonly}, oauthT0.Add(time.Minute))
	mustApprovedRequest(t, db, mooc, ada.ID, obapi.Scopes{obapi.ScopeAssertionCreate}, oauthT0.Add(2*time.Minute))
	mustApprovedRequest(t, db, mooc, bob.ID, obapi.Scopes{obapi.ScopeAssertionCreate}, oauthT0)

	used := oauthT0.Add(3 * time.Minute)
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, used); err != nil {
		t.Fatal(err)
	}
	apps, err := db.ConnectedApps(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || apps[0].ClientID != mooc.ClientID || apps[1].ClientID != lms.ClientID {
		t.Fatalf("connected apps %+v, want mooc then lms", apps)
	}
	got := apps[1]
	if got.Name != "LMS at lms.example" || got.Host != "lms.example" || !got.ConnectedAt.Equal(oauthT0) || !got.LastUsedAt.Equal(used) ||
		got.Scopes.String() != (obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeCredentialReadonly}).String() {
		t.Errorf("lms as listed: %+v", got)
	}
	if !apps[0].LastUsedAt.IsZero() {
		t.Errorf("an app never used has a last use: %v", apps[0].LastUsedAt)
	}
	// A second use within the minute writes nothing new.
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, used.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if apps, _ := db.ConnectedApps(ctx, ada.ID); !apps[1].LastUsedAt.Equal(used) {
		t.Errorf("last use moved within the minute: %v", apps[1].LastUsedAt)
	}

	if err := db.DisconnectApp(ctx, bob.ID, got.GrantID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("another learner disconnected ada's app: %v", err)
	}
	if err := db.DisconnectApp(ctx, ada.ID, got.GrantID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, used); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("a disconnected app's token works: %v", err)
	}
	if _, err := db.RotateOAuthRefresh(ctx, lms.ClientID, toks.Refresh, nil, lt, used); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("a disconnected app's refresh token works: %v", err)
	}
	if apps, _ := db.ConnectedApps(ctx, ada.ID); len(apps) != 1 || apps[0].ClientID != mooc.ClientID {
		t.Errorf("after disconnecting lms: %+v", apps)
	}
	if err := db.DisconnectApp(ctx, ada.ID, got.GrantID); fail.CodeOf(err) != fail.NotFound {
		t.Errorf("disconnecting twice: %v", err)
	}
}

func TestIssueOAuthTokens_AfterDisconnectIsInvalidGrant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	_, code := mustApprovedRequest(t, db, c, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	r, err := db.RedeemOAuthCode(ctx, code, oauthT0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DisconnectApp(ctx, ada.ID, r.GrantID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IssueOAuthTokens(ctx, r, true, lt, oauthT0); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("tokens for a disconnected grant: %v, want invalid_grant", err)
	}
}

func TestDeleteUser_RemovesTheirGrantsAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	_, code := mustApprovedRequest(t, db, c, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	toks := mustTokens(t, db, code, oauthT0)
	if err := db.DeleteUser(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := mustRaw(t, db).QueryRow("SELECT (SELECT count(*) FROM oauth_grants) + (SELECT count(*) FROM oauth_tokens) + (SELECT count(*) FROM oauth_requests)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d grant, token or request rows outlived the account", n)
	}
	if _, err := db.OAuthAccessByToken(ctx, toks.Access, oauthT0); oauthCode(err) != obapi.ErrInvalidToken {
		t.Errorf("a deleted learner's token works: %v", err)
	}
	if _, err := db.OAuthClientByID(ctx, c.ClientID); err != nil {
		t.Errorf("the platform's registration should stay: %v", err)
	}
}

func TestPruneOAuth_DropsWhatCanNoLongerBeUsed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	_, code := mustApprovedRequest(t, db, c, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	toks := mustTokens(t, db, code, oauthT0)
	count := func(table string) int {
		var n int
		if err := mustRaw(t, db).QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.PruneOAuth(ctx, oauthT0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if count("oauth_requests") != 0 || count("oauth_tokens") != 1 {
		t.Errorf("after two hours: %d requests, %d tokens; want 0 and the refresh token", count("oauth_requests"), count("oauth_tokens"))
	}
	if _, err := db.RotateOAuthRefresh(ctx, c.ClientID, toks.Refresh, nil, lt, oauthT0.Add(2*time.Hour)); err != nil {
		t.Errorf("the refresh token should survive the prune: %v", err)
	}
}

func TestRedeemOAuthCode_OnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	_, code := mustApprovedRequest(t, db, c, ada.ID, obapi.Scopes{obapi.ScopeCredentialUpsert}, oauthT0)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := db.RedeemOAuthCode(ctx, code, oauthT0.Add(time.Second))
			errs <- err
		}()
	}
	ok := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case oauthCode(err) != obapi.ErrInvalidGrant:
			t.Errorf("a losing redemption: %v, want invalid_grant", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d simultaneous redemptions of one code succeeded, want 1", ok, n)
	}
}

func TestOAuthRefreshByToken_ReadsWithoutUsing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpen(t)
	ada := mustUser(t, db, store.Identity{Provider: "dev", Subject: "ada"})
	c, _ := mustClient(t, db, "lms.example")
	scopes := obapi.Scopes{obapi.ScopeCredentialUpsert, obapi.ScopeOfflineAccess}
	_, code := mustApprovedRequest(t, db, c, ada.ID, scopes, oauthT0)
	toks := mustTokens(t, db, code, oauthT0)

	for range 2 { // reading does not use it up
		r, err := db.OAuthRefreshByToken(ctx, toks.Refresh, oauthT0.Add(time.Hour))
		if err != nil || r.ClientID != c.ClientID || r.UserID != ada.ID || r.Scopes.String() != scopes.String() || !r.GrantedAt.Equal(oauthT0) {
			t.Fatalf("OAuthRefreshByToken = %+v, %v", r, err)
		}
	}
	next, err := db.RotateOAuthRefresh(ctx, c.ClientID, toks.Refresh, nil, lt, oauthT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OAuthRefreshByToken(ctx, toks.Refresh, oauthT0.Add(time.Hour)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Fatalf("a rotated refresh token read: %v, want invalid_grant", err)
	}
	if _, err := db.OAuthRefreshByToken(ctx, next.Refresh, oauthT0.Add(time.Hour)); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("reading a rotated token again should revoke its family: %v", err)
	}
	if _, err := db.OAuthRefreshByToken(ctx, "nope", oauthT0); oauthCode(err) != obapi.ErrInvalidGrant {
		t.Errorf("an unknown refresh token: %v", err)
	}
}
