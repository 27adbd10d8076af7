package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/paths"
)

func flashText(p *page) string { return p.Doc.Find(`[data-testid="flashes"]`).Text() }

func TestAccount_LinkSignInWithItThenUnlink(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")

	acct := b.get(paths.Account)
	if acct.Doc.Find(`[data-testid="link-oidc"]`).Length() != 1 {
		t.Fatalf("no link button for the provider:\n%s", acct.Body)
	}
	if acct.Doc.Find(`[data-testid="unlink-dev"]`).Length() != 0 {
		t.Fatal("the only login offers unlinking")
	}
	// Link the OIDC provider while signed in.
	e.idp.QueueUser(&mockoidc.MockUser{Subject: "ada-at-school", Email: "ada@school.example", EmailVerified: false})
	p := b.get(paths.AuthStart("oidc"))
	if p.Request.URL.Path != paths.Account || !strings.Contains(flashText(p), "Test IdP is now linked") {
		t.Fatalf("after linking at %s: %q\n%s", p.Request.URL, flashText(p), e.logs.String())
	}
	if p.Doc.Find(`[data-testid="login-oidc"]`).Length() != 1 || p.Doc.Find(`[data-testid="unlink-oidc"]`).Length() != 1 {
		t.Fatalf("linked login not listed:\n%s", p.Body)
	}
	logins := mustLogins(t, e, "dev", "dev:ada@example.org")
	if len(logins) != 2 || logins[1].Provider != "oidc" || logins[1].EmailVerified {
		t.Fatalf("logins: %+v", logins)
	}
	if n := countUsers(t, e); n != 1 {
		t.Fatalf("%d accounts; linking must not create one", n)
	}
	// Both emails count on the dashboard.
	if em := b.get(paths.Home).Doc.Find(`[data-testid="emails"]`).Text(); !strings.Contains(em, "ada@school.example") || !strings.Contains(em, "ada@example.org") {
		t.Errorf("dashboard emails: %q", em)
	}

	// The linked provider signs in to the same account from another browser.
	other := e.browser()
	e.idp.QueueUser(&mockoidc.MockUser{Subject: "ada-at-school", Email: "ada@school.example"})
	if got := other.get(paths.AuthStart("oidc")).signedInAs(); got != "Ada" {
		t.Fatalf("linked provider signs in as %q", got)
	}

	// Unlink it.
	p = b.submit(paths.Account, paths.Unlink("oidc"), nil)
	if p.Request.URL.Path != paths.Account || !strings.Contains(flashText(p), "unlinked") {
		t.Fatalf("unlink: at %s %q", p.Request.URL, flashText(p))
	}
	if l := mustLogins(t, e, "dev", "dev:ada@example.org"); len(l) != 1 {
		t.Fatalf("%d logins after unlink", len(l))
	}
	// The last one cannot go.
	p = b.submit(paths.Account, paths.Unlink("dev"), nil)
	if !strings.Contains(flashText(p), "only way to sign in") {
		t.Fatalf("unlink last: %q", flashText(p))
	}
	if l := mustLogins(t, e, "dev", "dev:ada@example.org"); len(l) != 1 {
		t.Fatalf("%d logins after refusing to unlink the last", len(l))
	}
	// Unlinking something not linked says so.
	p = b.submit(paths.Account, paths.Unlink("github"), nil)
	if !strings.Contains(flashText(p), "not linked") {
		t.Fatalf("unlink unknown: %q", flashText(p))
	}
}

func TestAccount_LinkLoginOfAnotherAccountRefused(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	bob := e.browser()
	e.idp.QueueUser(&mockoidc.MockUser{Subject: "shared", Email: "bob@example.org"})
	if got := bob.get(paths.AuthStart("oidc")).signedInAs(); got == "" {
		t.Fatal("bob not signed in")
	}
	ada := e.browser()
	ada.devSignIn("Ada", "ada@example.org")
	e.idp.QueueUser(&mockoidc.MockUser{Subject: "shared", Email: "bob@example.org"})
	p := ada.get(paths.AuthStart("oidc"))
	if p.Request.URL.Path != paths.Account || !strings.Contains(flashText(p), "different Satchel account") {
		t.Fatalf("at %s: %q", p.Request.URL, flashText(p))
	}
	if p.signedInAs() != "Ada" {
		t.Fatalf("now signed in as %q", p.signedInAs())
	}
	if l := mustLogins(t, e, "dev", "dev:ada@example.org"); len(l) != 1 {
		t.Fatalf("ada has %d logins", len(l))
	}
}

func TestAccount_Delete(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	old := b.cookie("satchel_session")
	u, err := e.db.UserByLogin(context.Background(), "dev", "dev:ada@example.org")
	if err != nil {
		t.Fatal(err)
	}

	form := b.get(paths.DeleteAccount)
	if form.Doc.Find(`[data-testid="delete-form"]`).Length() != 1 {
		t.Fatalf("no confirmation form:\n%s", form.Body)
	}
	// Without the confirmation nothing happens.
	p := b.post(paths.DeleteAccount, url.Values{"_csrf": {form.csrf(t)}})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(flashText(p), "Tick the box") {
		t.Fatalf("unconfirmed delete: %d %q", p.StatusCode, flashText(p))
	}
	if _, err := e.db.User(context.Background(), u.ID); err != nil {
		t.Fatalf("user gone without confirmation: %v", err)
	}

	p = b.post(paths.DeleteAccount, url.Values{"_csrf": {form.csrf(t)}, "confirm": {"delete"}})
	if p.Request.URL.Path != paths.Home || p.signedInAs() != "" || !strings.Contains(flashText(p), "deleted") {
		t.Fatalf("after delete: at %s as %q %q", p.Request.URL, p.signedInAs(), flashText(p))
	}
	if _, err := e.db.User(context.Background(), u.ID); fail.CodeOf(err) != fail.NotFound {
		t.Fatalf("user still there: %v", err)
	}
	if l, _ := e.db.Logins(context.Background(), u.ID); len(l) != 0 {
		t.Fatalf("%d logins left", len(l))
	}
	if who, _ := whoIs(t, e.srv, old); who != "" {
		t.Fatalf("deleted account's cookie still signs in as %q", who)
	}
	// Signing in again makes a new, empty account.
	b.devSignIn("Ada", "ada@example.org")
	u2, _ := e.db.UserByLogin(context.Background(), "dev", "dev:ada@example.org")
	if u2.ID == u.ID {
		t.Fatal("account id reused")
	}
}

func TestAccount_RequiresSignIn(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	for _, path := range []string{paths.Account, paths.DeleteAccount} {
		p := b.get(path)
		if p.Request.URL.Path != paths.SignIn || !strings.Contains(flashText(p), "Please sign in") {
			t.Errorf("%s: ended at %s with %q", path, p.Request.URL, flashText(p))
		}
	}
	// A visitor's POST with a valid CSRF token is still refused.
	p := b.submit(paths.DevSignIn, paths.DeleteAccount, url.Values{"confirm": {"delete"}})
	if p.StatusCode != http.StatusForbidden {
		t.Fatalf("visitor delete: %d", p.StatusCode)
	}
}
