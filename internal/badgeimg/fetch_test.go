package badgeimg_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/fetch"
)

// issuer is a real HTTP server on loopback serving badge images the way
// issuers do, including the ways they get it wrong.
func issuer(t *testing.T) (*httptest.Server, []byte, []byte) {
	t.Helper()
	pngData := rgbaPNG(t, 90, 90)
	svgData := []byte(`<svg ` + svgNS + ` viewBox="0 0 100 100"><circle cx="50" cy="50" r="40"/></svg>`)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	serve := func(path, ct string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(body)
		})
	}
	serve("/badge.png", "image/png", pngData)
	serve("/badge.svg", "image/svg+xml", svgData)
	// The header lies: the bytes decide.
	serve("/mislabelled", "application/octet-stream", pngData)
	serve("/photo.png", "image/png", jpg.Bytes())
	serve("/bomb.png", "image/png", withIHDRSize(pngData, 20000, 20000))
	serve("/doctype.svg", "image/svg+xml", []byte(`<!DOCTYPE svg [<!ENTITY x "y">]><svg `+svgNS+`>&x;</svg>`))
	serve("/huge.png", "image/png", append(bytes.Clone(pngData), make([]byte, 3<<20)...))
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/badge.png", http.StatusFound)
	})
	mux.HandleFunc("/gone.png", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, pngData, svgData
}

func TestFetch(t *testing.T) {
	t.Parallel()
	srv, pngData, svgData := issuer(t)
	u, _ := url.Parse(srv.URL)
	client := fetch.New(fetch.Options{AllowHosts: []string{u.Host}})
	ctx := context.Background()

	ok := []struct {
		path string
		want []byte
		info badgeimg.Info
	}{
		{"/badge.png", pngData, badgeimg.Info{ContentType: "image/png", Width: 90, Height: 90}},
		{"/badge.svg", svgData, badgeimg.Info{ContentType: "image/svg+xml", Width: 100, Height: 100}},
		{"/mislabelled", pngData, badgeimg.Info{ContentType: "image/png", Width: 90, Height: 90}},
		{"/moved", pngData, badgeimg.Info{ContentType: "image/png", Width: 90, Height: 90}},
	}
	for _, tt := range ok {
		t.Run(tt.path, func(t *testing.T) {
			data, info, err := badgeimg.Fetch(ctx, client, srv.URL+tt.path)
			if err != nil {
				t.Fatalf("Fetch: %v (%s)", err, detail(err))
			}
			if !bytes.Equal(data, tt.want) {
				t.Errorf("got %d bytes, want the %d served", len(data), len(tt.want))
			}
			if info != tt.info {
				t.Errorf("Info = %+v, want %+v", info, tt.info)
			}
		})
	}

	refused := []struct {
		path string
		kind *badgeimg.Error
		msg  string
	}{
		{"/photo.png", badgeimg.ErrNotImage, "instead of a PNG or SVG image"},
		{"/bomb.png", badgeimg.ErrTooManyPixels, "20000×20000"},
		{"/doctype.svg", badgeimg.ErrUnsafe, "DOCTYPE"},
		{"/huge.png", badgeimg.ErrTooLarge, "too large"},
		{"/gone.png", badgeimg.ErrUnavailable, "answered with error 410"},
		{"/nothing-here.png", badgeimg.ErrUnavailable, "answered with error 404"},
	}
	for _, tt := range refused {
		t.Run(tt.path, func(t *testing.T) {
			data, info, err := badgeimg.Fetch(ctx, client, srv.URL+tt.path)
			if err == nil {
				t.Fatalf("Fetch accepted it: %+v", info)
			}
			if data != nil || info != (badgeimg.Info{}) {
				t.Errorf("data/info returned with an error: %d bytes, %+v", len(data), info)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q (%s) is not of kind %v", err, detail(err), tt.kind.Kind)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
		})
	}
}

// Without AllowHosts the guarded client refuses loopback; Fetch passes the
// client's explanation on and keeps the *fetch.Error for callers and logs.
func TestFetch_GuardedClientRefusesLoopback(t *testing.T) {
	t.Parallel()
	srv, _, _ := issuer(t)
	_, _, err := badgeimg.Fetch(context.Background(), fetch.New(fetch.Options{}), srv.URL+"/badge.png")
	if !errors.Is(err, badgeimg.ErrUnavailable) {
		t.Fatalf("error %v, want unavailable", err)
	}
	var fe *fetch.Error
	if !errors.As(err, &fe) || fe.Kind != fetch.Blocked {
		t.Fatalf("no *fetch.Error of kind Blocked inside %v", err)
	}
	if !strings.Contains(err.Error(), "private or local network address") {
		t.Errorf("message %q does not explain the refusal", err)
	}
}

func TestFetch_DataURIWithoutRequest(t *testing.T) {
	t.Parallel()
	img := rgbaPNG(t, 12, 10)
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(img)
	// A nil fetcher proves no request is made.
	data, info, err := badgeimg.Fetch(context.Background(), nil, uri)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, img) || info != (badgeimg.Info{ContentType: "image/png", Width: 12, Height: 10}) {
		t.Errorf("got %d bytes, %+v", len(data), info)
	}
	// The bytes are checked, whatever the URI claims.
	_, _, err = badgeimg.Fetch(context.Background(), nil, "data:image/png;base64,"+base64.StdEncoding.EncodeToString([]byte("GIF89a....")))
	if !errors.Is(err, badgeimg.ErrNotImage) {
		t.Errorf("a GIF labelled PNG: error %v, want not an image", err)
	}
}

func TestFromDataURI(t *testing.T) {
	t.Parallel()
	img := rgbaPNG(t, 3, 3)
	b64 := base64.StdEncoding.EncodeToString(img)
	svg := `<svg ` + svgNS + ` width="100%" viewBox="0 0 10 10"><rect fill="#c33" width="10" height="10"/></svg>`
	wrapped := ""
	for i := 0; i < len(b64); i += 60 {
		wrapped += b64[i:min(i+60, len(b64))] + "\n"
	}
	ok := []struct {
		name, uri string
		want      []byte
	}{
		{"PNG base64", "data:image/png;base64," + b64, img},
		{"upper case", "DATA:IMAGE/PNG;BASE64," + b64, img},
		{"wrapped lines", "data:image/png;base64,\n" + wrapped, img},
		{"unpadded", "data:image/png;base64," + strings.TrimRight(b64, "="), img},
		{"SVG base64", "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svg)), []byte(svg)},
		{"SVG percent-encoded", "data:image/svg+xml," + url.PathEscape(svg), []byte(svg)},
		{"SVG as is, bare % and #", "data:image/svg+xml;charset=utf-8," + svg, []byte(svg)},
		{"non-standard utf8 parameter", "data:image/svg+xml;utf8," + svg, []byte(svg)},
		{"surrounding space", "  data:image/png;base64," + b64 + "\n", img},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := badgeimg.FromDataURI(tt.uri)
			if err != nil {
				t.Fatalf("FromDataURI: %v (%s)", err, detail(err))
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	refused := []struct {
		name, uri string
		kind      *badgeimg.Error
		msg       string
	}{
		{"JPEG", "data:image/jpeg;base64,/9j/4AAQ", badgeimg.ErrNotImage, "of type JPEG; Satchel accepts only PNG or SVG"},
		{"no media type", "data:,hello", badgeimg.ErrNotImage, "text/plain"},
		{"no comma", "data:image/png;base64", badgeimg.ErrBadDataURI, "damaged"},
		{"bad base64", "data:image/png;base64,!!!!", badgeimg.ErrBadDataURI, "damaged"},
		{"not a media type", "data:image;base64,AAAA", badgeimg.ErrNotImage, "of type image;"},
		{"empty", "data:image/png;base64,", badgeimg.ErrNotImage, "empty"},
		{"not a data URI", "https://example.org/badge.png", badgeimg.ErrBadDataURI, "not embedded"},
		{"too long", "data:image/png;base64," + strings.Repeat("A", 3<<20), badgeimg.ErrTooLarge, "up to 2 MiB"},
		{"decodes too large", "data:image/svg+xml," + strings.Repeat("a", badgeimg.MaxBytes+1), badgeimg.ErrTooLarge, "up to 2 MiB"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			got, err := badgeimg.FromDataURI(tt.uri)
			if err == nil {
				t.Fatalf("accepted: %d bytes", len(got))
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q (%s) is not of kind %v", err, detail(err), tt.kind.Kind)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not contain %q", err, tt.msg)
			}
		})
	}
}

// A server that never answers cannot hold Fetch beyond the client's limit.
func TestFetch_SlowServerTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	u, _ := url.Parse(srv.URL)
	client := fetch.New(fetch.Options{AllowHosts: []string{u.Host}, Timeout: 300 * time.Millisecond})
	_, _, err := badgeimg.Fetch(context.Background(), client, srv.URL+"/badge.png")
	if !errors.Is(err, badgeimg.ErrUnavailable) {
		t.Fatalf("error %v, want unavailable", err)
	}
	var fe *fetch.Error
	if !errors.As(err, &fe) || fe.Kind != fetch.Timeout {
		t.Errorf("no *fetch.Error of kind Timeout inside %v", err)
	}
	if !strings.Contains(err.Error(), "took too long") {
		t.Errorf("message %q does not say the server was too slow", err)
	}
}
