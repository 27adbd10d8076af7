// Package avatar turns a sign-in provider's profile picture into the one
// Satchel keeps and serves: fetched through the guarded client, decoded
// only after its dimensions are checked, cropped to a square, scaled to
// Side pixels and encoded again as PNG. Re-encoding drops whatever else
// the file carried (EXIF with a location, comments, trailing data), and
// visitors' browsers never contact the provider.
package avatar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for image.Decode
	_ "image/jpeg"
	"image/png"

	"golang.org/x/image/draw"

	"github.com/satchel-backpack/satchel/internal/fetch"
)

const (
	// Side is the width and height of a kept picture, in pixels.
	Side = 256
	// MaxSide caps the width and height of a picture before decoding, so
	// that a small file cannot make Satchel decode a huge image (2048² RGBA
	// is 16 MiB; providers serve profile pictures far smaller).
	MaxSide = 2048
)

// ErrNotPicture is returned for bytes that are not a PNG, JPEG or GIF
// picture Satchel can read, or one too large to decode.
var ErrNotPicture = errors.New("avatar: not a usable PNG, JPEG or GIF picture")

// Fetcher is what Fetch needs from the guarded client (*fetch.Client).
type Fetcher interface {
	Get(ctx context.Context, url string, kind fetch.Kind) (*fetch.Response, error)
}

// Fetch downloads the picture at url through f and returns it as a
// Side×Side PNG.
func Fetch(ctx context.Context, f Fetcher, url string) ([]byte, error) {
	resp, err := f.Get(ctx, url, fetch.Photo)
	if err != nil {
		return nil, fmt.Errorf("avatar: fetch: %w", err)
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, fmt.Errorf("avatar: fetch %s: HTTP %d", resp.URL, resp.Status)
	}
	return Normalize(resp.Body)
}

// Normalize decodes a PNG, JPEG or GIF picture (its first frame), crops
// the middle square and scales it to Side×Side, and encodes it as PNG.
func Normalize(data []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPicture, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return nil, fmt.Errorf("%w: %d×%d pixels (at most %d a side)", ErrNotPicture, cfg.Width, cfg.Height, MaxSide)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPicture, err)
	}
	b := src.Bounds()
	side := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, side, side).Add(image.Pt(b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2))
	dst := image.NewRGBA(image.Rect(0, 0, Side, Side))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("avatar: encode: %w", err)
	}
	return out.Bytes(), nil
}
