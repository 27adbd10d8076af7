package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/web"
)

// pictureUser is an OpenID Connect user whose provider gives a profile
// picture (the standard "picture" claim), as Google and school providers do.
type pictureUser struct {
	mockoidc.MockUser
	Picture string
}

func (u *pictureUser) Userinfo(scope []string) ([]byte, error) {
	return json.Marshal(map[string]any{"sub": u.Subject, "email": u.Email, "email_verified": u.EmailVerified,
		"preferred_username": u.PreferredUsername, "picture": u.Picture})
}

type pictureClaims struct {
	*mockoidc.IDTokenClaims
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"email_verified"`
	Picture       string `json:"picture,omitempty"`
}

func (u *pictureUser) Claims(scope []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &pictureClaims{IDTokenClaims: base, Email: u.Email, EmailVerified: u.EmailVerified, Picture: u.Picture}, nil
}

// pictureHost serves one JPEG at /me.jpg, which a test can change or break.
type pictureHost struct {
	*httptest.Server
	mu      sync.Mutex
	jpeg    []byte
	status  int
	fetched int
}

func newPictureHost(t *testing.T, c color.Color) *pictureHost {
	h := &pictureHost{status: http.StatusOK}
	h.set(t, c)
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.fetched++
		if h.status != http.StatusOK {
			http.Error(w, "down", h.status)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(h.jpeg)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *pictureHost) set(t *testing.T, c color.Color) {
	im := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			im.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, im, nil); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.jpeg, h.status = b.Bytes(), http.StatusOK
	h.mu.Unlock()
}

func (h *pictureHost) fail() {
	h.mu.Lock()
	h.status = http.StatusInternalServerError
	h.mu.Unlock()
}

// signInWithPicture signs in a fresh browser through the OpenID Connect
// provider as grace, whose provider gives the picture at pictureURL.
func signInWithPicture(t *testing.T, e *env, pictureURL string) *browser {
	t.Helper()
	b := e.browser()
	e.idp.QueueUser(&pictureUser{MockUser: mockoidc.MockUser{Subject: "idp-grace", Email: "grace@school.example", EmailVerified: true, PreferredUsername: "grace"}, Picture: pictureURL})
	if p := b.get(paths.AuthStart("oidc")); p.Request.URL.Path != paths.Home || p.signedInAs() != "grace" {
		t.Fatalf("sign-in ended at %s as %q:\n%s", p.Request.URL, p.signedInAs(), e.logs.String())
	}
	return b
}

// publicAvatar returns the src of the avatar on a visitor's view of the
// profile, "" when it shows initials.
func publicAvatar(t *testing.T, e *env, handle string) string {
	t.Helper()
	p := e.browser().get(paths.PublicProfile(handle))
	if p.StatusCode != http.StatusOK {
		t.Fatalf("public profile: %d", p.StatusCode)
	}
	src, _ := p.Doc.Find(`[data-testid="public-avatar"]`).Attr("src")
	return src
}

func TestProviderPicture_KeptChosenAndShownFromSatchel(t *testing.T) {
	t.Parallel()
	pics := newPictureHost(t, color.RGBA{200, 30, 30, 255})
	e := MustStart(t, func(o *web.Options) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{pics.Listener.Addr().String()}})
	})
	b := signInWithPicture(t, e, pics.URL+"/me.jpg")

	// The profile form offers the picture (served by Satchel) beside initials.
	form := b.get(paths.ProfileEdit)
	choice := form.Doc.Find(`[data-testid="profile-avatar-provider"]`)
	if choice.Length() != 1 {
		t.Fatalf("picture choices: %d\n%s", choice.Length(), form.Body)
	}
	value, _ := choice.Attr("value")
	id, _ := choice.Attr("id")
	if label := strings.TrimSpace(form.Doc.Find(`label[for="` + id + `"]`).Text()); label != "My picture from Test IdP" {
		t.Errorf("the choice's label is %q", label)
	}
	src, _ := form.Doc.Find(`[data-testid="profile-avatar"] img`).Attr("src")
	if !strings.HasPrefix(src, "/images/") {
		t.Fatalf("the offered picture is at %q, want Satchel's /images/", src)
	}
	if !form.Doc.Find(`input[name="avatar"][value="none"]`).Is("[checked]") {
		t.Error("initials are not the default choice")
	}
	img := b.get(src)
	if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the kept picture: %d %s", img.StatusCode, img.Header.Get("Content-Type"))
	}
	decoded, err := png.Decode(strings.NewReader(img.Body))
	if err != nil || decoded.Bounds().Dx() != 256 || decoded.Bounds().Dy() != 256 {
		t.Fatalf("the kept picture is not a 256×256 PNG: %v", err)
	}
	if r, g, _, _ := decoded.At(128, 128).RGBA(); r>>8 < 150 || g>>8 > 80 {
		t.Errorf("the kept picture's colour is %v, want the provider's red", decoded.At(128, 128))
	}

	// Before the learner chooses it, visitors see initials.
	if p := b.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"grace"}, "display_name": {"Grace Hopper"}, "avatar": {"none"}}); p.StatusCode != http.StatusOK {
		t.Fatalf("save profile: %d\n%s", p.StatusCode, p.Body)
	}
	if got := publicAvatar(t, e, "grace"); got != "" {
		t.Fatalf("initials chosen, but the public page shows %q", got)
	}
	if p := b.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"grace"}, "display_name": {"Grace Hopper"}, "avatar": {value}}); p.StatusCode != http.StatusOK {
		t.Fatalf("save profile: %d\n%s", p.StatusCode, p.Body)
	}
	if got := publicAvatar(t, e, "grace"); got != src {
		t.Fatalf("the public page shows %q, want the kept picture %q", got, src)
	}
	if form := b.get(paths.ProfileEdit); !form.Doc.Find(`[data-testid="profile-avatar-provider"]`).Is("[checked]") {
		t.Error("the form does not show the chosen picture as chosen")
	}

	// A new picture at the provider shows after the next sign-in; the old
	// one is no longer served.
	pics.set(t, color.RGBA{20, 40, 200, 255})
	signInWithPicture(t, e, pics.URL+"/me.jpg")
	now := publicAvatar(t, e, "grace")
	if now == src || !strings.HasPrefix(now, "/images/") {
		t.Fatalf("after the provider's picture changed the public page shows %q (was %q)", now, src)
	}
	if old := e.browser().get(src); old.StatusCode != http.StatusNotFound {
		t.Errorf("the replaced picture still answers %d", old.StatusCode)
	}

	// The picture host failing does not stop the sign-in, and keeps the
	// picture there is.
	pics.fail()
	signInWithPicture(t, e, pics.URL+"/me.jpg")
	if got := publicAvatar(t, e, "grace"); got != now {
		t.Errorf("a failed picture fetch changed the avatar from %q to %q", now, got)
	}
	if !strings.Contains(e.logs.String(), "the provider's profile picture was not kept") {
		t.Error("the failed picture fetch is not logged")
	}
}

func TestProviderPicture_PrivateAddressRefused(t *testing.T) {
	t.Parallel()
	pics := newPictureHost(t, color.RGBA{200, 30, 30, 255})
	e := MustStart(t) // the production client: no loopback addresses
	b := signInWithPicture(t, e, pics.URL+"/me.jpg")
	if n := b.get(paths.ProfileEdit).Doc.Find(`[data-testid="profile-avatar-provider"]`).Length(); n != 0 {
		t.Fatalf("a picture on a loopback address was kept (%d choices)", n)
	}
	pics.mu.Lock()
	defer pics.mu.Unlock()
	if pics.fetched != 0 {
		t.Errorf("the guarded client contacted a loopback picture host %d times", pics.fetched)
	}
}

func TestProviderPicture_ChoiceMustBeTheLearnersOwn(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	// The development sign-in gives no picture: the form says so, and a
	// forged choice is refused next to the field.
	form := b.get(paths.ProfileEdit)
	if form.Doc.Find(`[data-testid="profile-avatar-provider"]`).Length() != 0 || !strings.Contains(form.Doc.Find("#profile-avatar-hint").Text(), "no picture") {
		t.Fatalf("form without pictures:\n%s", form.Body)
	}
	p := b.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ada"}, "display_name": {"Ada"}, "avatar": {"provider:oidc"}})
	if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.Doc.Find("#profile-avatar-error").Text(), "no picture") {
		t.Fatalf("forged picture choice: %d\n%s", p.StatusCode, p.Body)
	}
	if v, _ := p.Doc.Find("#profile-handle").Attr("value"); v != "ada" {
		t.Errorf("the handle typed was not kept: %q", v)
	}
}

// Linking a provider to an account keeps its picture too, and unlinking it
// takes the picture off the public profile.
func TestProviderPicture_LinkedProviderAndUnlink(t *testing.T) {
	t.Parallel()
	pics := newPictureHost(t, color.RGBA{30, 160, 60, 255})
	e := MustStart(t, func(o *web.Options) {
		o.Fetcher = fetch.New(fetch.Options{AllowHosts: []string{pics.Listener.Addr().String()}})
	})
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")
	e.idp.QueueUser(&pictureUser{MockUser: mockoidc.MockUser{Subject: "ada-at-school", Email: "ada@school.example"}, Picture: pics.URL + "/me.jpg"})
	if p := b.get(paths.AuthStart("oidc")); p.Request.URL.Path != paths.Account || !strings.Contains(flashText(p), "now linked") {
		t.Fatalf("linking ended at %s: %q", p.Request.URL, flashText(p))
	}
	choice := b.get(paths.ProfileEdit).Doc.Find(`[data-testid="profile-avatar-provider"]`)
	value, _ := choice.Attr("value")
	if choice.Length() != 1 || value != "provider:oidc" {
		t.Fatalf("after linking the form offers %d pictures (%q)", choice.Length(), value)
	}
	if p := b.submit(paths.ProfileEdit, paths.ProfileEdit, url.Values{"handle": {"ada"}, "display_name": {"Ada"}, "avatar": {value}}); p.StatusCode != http.StatusOK {
		t.Fatalf("save profile: %d", p.StatusCode)
	}
	src := publicAvatar(t, e, "ada")
	if src == "" {
		t.Fatal("the linked provider's picture is not on the public page")
	}
	if p := b.submit(paths.Account, paths.Unlink("oidc"), nil); !strings.Contains(flashText(p), "unlinked") {
		t.Fatalf("unlink: %q", flashText(p))
	}
	if got := publicAvatar(t, e, "ada"); got != "" {
		t.Errorf("after unlinking the provider the public page shows %q", got)
	}
	if old := e.browser().get(src); old.StatusCode != http.StatusNotFound {
		t.Errorf("the unlinked provider's picture still answers %d", old.StatusCode)
	}
}
