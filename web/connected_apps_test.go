package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/color"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/web"
)

func TestConnectedApps_ListedOnTheAccountPageAndDisconnected(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:ada@example.org")
	if err != nil {
		t.Fatal(err)
	}

	p := ada.get(paths.Account)
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="no-apps"]`).Text()); got == "" {
		t.Fatalf("the account page does not say that no app is connected:\n%s", p.Body)
	}

	grant := connectApp(t, e.db, u.ID)
	p = ada.get(paths.Account)
	app := p.Doc.Find(`[data-testid="connected-app"]`)
	if app.Length() != 1 || strings.TrimSpace(app.Find(`[data-testid="app-name"]`).Text()) != "Example LMS" ||
		strings.TrimSpace(app.Find(`[data-testid="app-host"]`).Text()) != "lms.example" ||
		!strings.Contains(app.Text(), "Add badges to your backpack.") || !strings.Contains(app.Text(), "Not used yet.") {
		t.Fatalf("connected app listed as %q", app.Text())
	}
	if action, _ := app.Find("form").Attr("action"); action != paths.AppDisconnect(grant) {
		t.Fatalf("disconnect form posts to %q, want %q", action, paths.AppDisconnect(grant))
	}

	p = ada.submit(paths.Account, paths.AppDisconnect(grant), nil)
	if p.StatusCode != http.StatusOK || !strings.Contains(p.Body, "The app is disconnected") {
		t.Fatalf("after Disconnect: %d\n%s", p.StatusCode, p.Body)
	}
	if p.Doc.Find(`[data-testid="connected-app"]`).Length() != 0 {
		t.Error("the app is still listed after Disconnect")
	}
	apps, err := e.db.ConnectedApps(context.Background(), u.ID)
	if err != nil || len(apps) != 0 {
		t.Errorf("connected apps after Disconnect: %+v %v", apps, err)
	}
}

// Badges a platform pushed are announced once, on the next visit to the
// backpack.
func TestConnectedApps_PushedBadgesAnnouncedOnce(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	ctx := context.Background()
	u, err := e.db.UserByLogin(ctx, "dev", "dev:ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	connectApp(t, e.db, u.ID)
	apps, err := e.db.ConnectedApps(ctx, u.ID)
	if err != nil || len(apps) != 1 {
		t.Fatal(apps, err)
	}
	client, err := e.db.OAuthClientByID(ctx, apps[0].ClientID)
	if err != nil {
		t.Fatal(err)
	}
	var last *store.Badge
	for _, name := range []string{"First", "Second"} {
		b := mustSeed(t, e, u.ID, seed{name: name, issuer: "Example LMS"})
		last = b
		if err := e.db.RecordPush(ctx, u.ID, b.ID, client.ID, client.Name, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p := ada.get(paths.Backpack)
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="flashes"]`).Text()); !strings.Contains(got, "2 new badges from Example LMS.") {
		t.Fatalf("backpack flashes %q, want the arrival announced", got)
	}
	p = ada.get(paths.Backpack)
	if strings.Contains(p.Body, "new badges from") {
		t.Error("the arrival was announced twice")
	}
	// Each badge says which app sent it; one the learner added does not.
	p = ada.get(paths.Badge(last.PublicID))
	if got := strings.TrimSpace(p.Doc.Find(`[data-testid="badge-sent-by"]`).Text()); !strings.HasPrefix(got, "Example LMS, ") {
		t.Errorf("badge page says it was sent by %q, want Example LMS", got)
	}
	own := mustSeed(t, e, u.ID, seed{name: "Own"})
	if p := ada.get(paths.Badge(own.PublicID)); p.Doc.Find(`[data-testid="badge-sent-by"]`).Length() != 0 {
		t.Error("a badge the learner added says an app sent it")
	}
}

// Without the operator's policies the Open Badges APIs are not offered:
// their addresses answer 404 in the API's own format, and the account page
// has no Connected apps.
func TestOBAPI_OffWithoutPolicies(t *testing.T) {
	t.Parallel()
	e := MustStart(t, func(o *web.Options) { o.PrivacyPolicyURL, o.TermsOfServiceURL = "", "" })
	b := e.browser()
	p := b.get(paths.OB3Discovery)
	if p.StatusCode != http.StatusNotFound || !strings.Contains(p.Body, `"imsx_codeMajor":"failure"`) {
		t.Fatalf("discovery without policies: %d %s", p.StatusCode, p.Body)
	}
	if p := b.get(paths.BadgeConnectManifest); p.StatusCode != http.StatusNotFound {
		t.Errorf("manifest without policies: %d", p.StatusCode)
	}
	b.devSignIn("Ada", "ada@example.org")
	if p := b.get(paths.Account); p.Doc.Find(`[data-testid="connected-apps"]`).Length() != 0 {
		t.Error("the account page offers Connected apps on a Satchel without the API")
	}
	if p := e.browser().get(paths.OB3Discovery); p.StatusCode != http.StatusNotFound {
		t.Errorf("discovery: %d", p.StatusCode)
	}
}

// A platform's logo is fetched at registration through the one guarded
// fetcher, and shown on the consent page; where the fetcher refuses the
// address (here: loopback, not opted in) the registration still succeeds
// and the page shows the name alone.
func TestOBAPI_RegistrationLogoOnlyThroughTheGuardedFetcher(t *testing.T) {
	t.Parallel()
	logo := pngBytes(t, color.RGBA{R: 200, G: 30, B: 30, A: 255})
	var fetched atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/logo.png" {
			fetched.Add(1)
			w.Header().Set("Content-Type", "image/png")
			w.Write(logo)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(site.Close)

	for _, allowed := range []bool{true, false} {
		e := MustStart(t, func(o *web.Options) {
			if allowed {
				o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{site.Listener.Addr().String()}, Timeout: 5 * time.Second})
			}
		})
		before := fetched.Load()
		body := `{"client_name": "Logo LMS", "client_uri": "` + site.URL + `/", "logo_uri": "` + site.URL + `/logo.png",
			"redirect_uris": ["` + site.URL + `/cb"], "scope": "` + string(obapi.ScopeCredentialUpsert) + `"}`
		resp, err := http.Post(e.ts.URL+paths.OAuthRegister, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var reg struct {
			ClientID string `json:"client_id"`
		}
		json.NewDecoder(resp.Body).Decode(&reg)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || reg.ClientID == "" {
			t.Fatalf("registration (logo fetch allowed: %v): %d", allowed, resp.StatusCode)
		}

		b := e.browser()
		b.devSignIn("Ada", "ada@example.org")
		p := b.get(paths.OAuthAuthorize + "?" + url.Values{"response_type": {"code"}, "client_id": {reg.ClientID},
			"redirect_uri": {site.URL + "/cb"}, "scope": {string(obapi.ScopeCredentialUpsert)},
			"code_challenge": {strings.Repeat("A", 43)}, "code_challenge_method": {"S256"}}.Encode())
		if p.Doc.Find(`[data-testid="consent"]`).Length() != 1 {
			t.Fatalf("no consent page:\n%s", p.Body)
		}
		src, shown := p.Doc.Find(`img.consent__logo`).Attr("src")
		switch {
		case allowed && (!shown || !strings.HasPrefix(src, "/images/")):
			t.Fatalf("the consent page shows no stored logo (src %q)", src)
		case allowed:
			if img := b.get(src); !bytes.Equal([]byte(img.Body), logo) {
				t.Error("the stored logo is not the platform's picture")
			}
		case shown:
			t.Errorf("a logo the guarded fetcher refused is shown: %q", src)
		case fetched.Load() != before:
			t.Error("the logo was fetched although the fetcher does not allow its address")
		}
	}
}
