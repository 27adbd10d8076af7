package badgeimg_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/badgeimg"
)

// FuzzCheck: Check never panics, every refusal is an *Error with a sentence,
// and whatever it accepts as a PNG the standard decoder can decode (so a
// stored image always displays), with the dimensions Check reported.
func FuzzCheck(f *testing.F) {
	f.Add(rgbaPNG(f, 8, 8))
	f.Add(handPNG(9, 5, 2, 3, 1, 0, 0))
	f.Add(handPNG(4, 4, 16, 6, 1, 0, 0))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20" viewBox="0 0 1 2"><g/></svg>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`))
	f.Add([]byte(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Add([]byte("\ufeff<svg xmlns='http://www.w3.org/2000/svg'/>"))
	f.Add([]byte("<html></html>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := badgeimg.Check(data)
		if err != nil {
			var e *badgeimg.Error
			if !errors.As(err, &e) || e.Kind == 0 || !strings.HasPrefix(e.Message, "The badge image") {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		switch info.ContentType {
		case badgeimg.PNG:
			if info.Width < 1 || info.Height < 1 || info.Width > badgeimg.MaxSide || info.Height > badgeimg.MaxSide {
				t.Fatalf("accepted PNG of %dx%d", info.Width, info.Height)
			}
			if info.Width*info.Height <= 1<<16 {
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("Check accepted a PNG the decoder refuses: %v", err)
				}
				if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
					t.Fatalf("decoded %v, Check said %dx%d", b, info.Width, info.Height)
				}
			}
		case badgeimg.SVG:
			if info.Width < 0 || info.Height < 0 {
				t.Fatalf("negative SVG size %+v", info)
			}
		default:
			t.Fatalf("accepted content type %q", info.ContentType)
		}
	})
}

// FuzzFromDataURI: never panics, never returns more than MaxBytes, and
// decodes what base64 encoding made.
func FuzzFromDataURI(f *testing.F) {
	f.Add("data:image/png;base64,iVBORw0KGgo=", []byte("\x89PNG"))
	f.Add("data:image/svg+xml,%3Csvg%2F%3E", []byte("<svg/>"))
	f.Add("data:image/svg+xml;utf8,<svg width='100%'/>", []byte{})
	f.Add("data:;base64,", []byte{0})
	f.Fuzz(func(t *testing.T, uri string, raw []byte) {
		data, err := badgeimg.FromDataURI(uri)
		if err != nil {
			var e *badgeimg.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("bad error %#v", err)
			}
		} else if len(data) == 0 || len(data) > badgeimg.MaxBytes {
			t.Fatalf("returned %d bytes", len(data))
		}
		if len(raw) == 0 {
			return
		}
		got, err := badgeimg.FromDataURI("data:image/png;base64," + base64.StdEncoding.EncodeToString(raw))
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("base64 round trip: %v", err)
		}
	})
}
