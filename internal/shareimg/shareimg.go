// Package shareimg renders the 1200×630 PNG pictures that social sites show
// when a public badge or profile is shared (og:image), and small PNG
// thumbnails for email signatures. Rendering is pure Go with the embedded
// Go fonts, so the same input gives the same bytes on every machine.
//
// Badge images are PNG or SVG. A PNG is decoded only after its header shows
// it is within MaxImageBytes and MaxImageSide. Go has no SVG rasteriser in
// its standard or x/ libraries, and the full ones are heavy dependencies
// with their own attack surface, so an SVG badge (or any image that cannot
// be decoded safely) is drawn as a neutral placeholder medal instead.
package shareimg

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
)

// Size of a share image (the Open Graph size every big site crops to).
const (
	Width  = 1200
	Height = 630
)

// Limits on a badge image before it is decoded.
const (
	MaxImageBytes = 2 << 20
	MaxImageSide  = 4096
)

// MaxThumbnails is how many badges a profile image shows.
const MaxThumbnails = 6

// Badge is what a badge's share image shows.
type Badge struct {
	Name       string
	IssuerName string
	// Image is the badge image (PNG or SVG bytes); nil for none.
	Image []byte
	// SiteName is shown at the bottom ("Satchel").
	SiteName string
}

// Profile is what a profile's share image shows.
type Profile struct {
	DisplayName string
	BadgeCount  int
	// Thumbnails are the images of the first badges; at most MaxThumbnails
	// are drawn.
	Thumbnails [][]byte
	SiteName   string
}

// Colours: dark text on a warm light background, all pairs above WCAG AA.
var (
	background = color.RGBA{0xf6, 0xf4, 0xef, 0xff}
	ink        = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	muted      = color.RGBA{0x4b, 0x51, 0x59, 0xff}
	accent     = color.RGBA{0x0b, 0x4f, 0xa8, 0xff}
	tile       = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// Layout of the badge image, in pixels.
var (
	badgeImageBox = image.Rect(80, 115, 480, 515) // 400×400
	badgeTextBox  = image.Rect(540, 70, 1120, 590)
	accentBar     = image.Rect(0, 0, Width, 12)
)

// Layout of the profile image.
var (
	profileTextBox  = image.Rect(80, 60, 1120, 330)
	profileThumbTop = 360
	thumbSide       = 150
	thumbGap        = 24
	profileFooterY  = 590
)

// RenderBadge draws a badge's share image: the badge picture on the left,
// its name (up to three lines) and issuer (up to two) on the right, the
// site's name at the bottom.
func RenderBadge(b Badge) ([]byte, error) {
	img := canvas()
	drawBadgeImage(img, b.Image, badgeImageBox)

	nameFace, err := newFace(bold, 60)
	if err != nil {
		return nil, err
	}
	labelFace, err := newFace(regular, 28)
	if err != nil {
		return nil, err
	}
	issuerFace, err := newFace(regular, 38)
	if err != nil {
		return nil, err
	}
	box := badgeTextBox
	name := wrap(nameFace, b.Name, box.Dx(), 3)
	if len(name) == 0 {
		name = []string{"Untitled badge"}
	}
	issuer := wrap(issuerFace, b.IssuerName, box.Dx(), 2)

	// Centre the block of text vertically in the box.
	h := len(name) * 72
	if len(issuer) > 0 {
		h += 28 + 40 + len(issuer)*48
	}
	y := box.Min.Y + max(0, (box.Dy()-h-60)/2)

	d := &font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: nameFace}
	y = drawLines(d, name, box.Min.X, y+58, 72) - 58
	if len(issuer) > 0 {
		y += 28
		d.Face, d.Src = labelFace, image.NewUniform(muted)
		y = drawLines(d, []string{"Issued by"}, box.Min.X, y+28, 40) - 28
		d.Face, d.Src = issuerFace, image.NewUniform(ink)
		drawLines(d, issuer, box.Min.X, y+36, 48)
	}
	if err := drawFooter(img, b.SiteName, "Open Badge", box.Min.X, box.Dx(), box.Max.Y-8); err != nil {
		return nil, err
	}
	return encode(img)
}

// RenderProfile draws a profile's share image: the display name, the badge
// count and a row of up to MaxThumbnails badge pictures.
func RenderProfile(p Profile) ([]byte, error) {
	img := canvas()
	nameFace, err := newFace(bold, 64)
	if err != nil {
		return nil, err
	}
	countFace, err := newFace(regular, 36)
	if err != nil {
		return nil, err
	}
	box := profileTextBox
	name := wrap(nameFace, p.DisplayName, box.Dx(), 2)
	if len(name) == 0 {
		name = []string{"Badges"}
	}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(ink), Face: nameFace}
	y := drawLines(d, name, box.Min.X, box.Min.Y+62, 78) - 62
	d.Face, d.Src = countFace, image.NewUniform(muted)
	drawLines(d, []string{countText(p.BadgeCount)}, box.Min.X, y+24+36, 44)

	thumbs := p.Thumbnails
	if len(thumbs) > MaxThumbnails {
		thumbs = thumbs[:MaxThumbnails]
	}
	for i, t := range thumbs {
		x := box.Min.X + i*(thumbSide+thumbGap)
		r := image.Rect(x, profileThumbTop, x+thumbSide, profileThumbTop+thumbSide)
		fill(img, r.Inset(-6), tile)
		drawBadgeImage(img, t, r)
	}
	if err := drawFooter(img, p.SiteName, "Badge profile", box.Min.X, box.Dx(), profileFooterY); err != nil {
		return nil, err
	}
	return encode(img)
}

// Thumbnail returns a size×size PNG of a badge image (a placeholder for
// SVG or an image that cannot be decoded safely), for places that cannot
// show SVG, like email. Transparency is kept.
func Thumbnail(data []byte, size int) ([]byte, error) {
	if size <= 0 || size > 512 {
		return nil, fmt.Errorf("shareimg: thumbnail size %d out of range", size)
	}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	drawBadgeImage(img, data, img.Bounds())
	return encode(img)
}

func countText(n int) string {
	switch {
	case n <= 0:
		return "No public badges yet"
	case n == 1:
		return "1 badge"
	default:
		return strconv.Itoa(n) + " badges"
	}
}

func drawFooter(img *image.RGBA, site, what string, x, w, baseline int) error {
	face, err := newFace(regular, 26)
	if err != nil {
		return err
	}
	text := what
	if site != "" {
		text = what + " · " + site
	}
	lines := wrap(face, text, w, 1)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(accent), Face: face}
	drawLines(d, lines, x, baseline, 0)
	return nil
}

func canvas() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	fill(img, img.Bounds(), background)
	fill(img, accentBar, accent)
	return img
}

func fill(img xdraw.Image, r image.Rectangle, c color.Color) {
	xdraw.Draw(img, r, image.NewUniform(c), image.Point{}, xdraw.Src)
}

// drawBadgeImage scales the badge picture to fit box, keeping its aspect
// ratio, centred; a placeholder stands in when it cannot be decoded.
func drawBadgeImage(dst xdraw.Image, data []byte, box image.Rectangle) {
	src, ok := decodePNG(data)
	if !ok {
		drawPlaceholder(dst, box)
		return
	}
	sb := src.Bounds()
	w, h := box.Dx(), box.Dy()
	if sb.Dx()*h > sb.Dy()*w {
		h = max(1, sb.Dy()*w/sb.Dx())
	} else {
		w = max(1, sb.Dx()*h/sb.Dy())
	}
	r := image.Rect(0, 0, w, h).Add(box.Min).Add(image.Pt((box.Dx()-w)/2, (box.Dy()-h)/2))
	// Large images are first halved with a box filter, so the cost of
	// the final Catmull-Rom pass stays proportional to the output.
	for src.Bounds().Dx() >= 4*w && src.Bounds().Dy() >= 4*h {
		src = halve(src)
	}
	xdraw.CatmullRom.Scale(dst, r, src, src.Bounds(), xdraw.Over, nil)
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// decodePNG decodes data only when it is a PNG within the limits; the
// header is read first, so no pixel memory is allocated for an oversized
// or malformed file.
func decodePNG(data []byte) (image.Image, bool) {
	if len(data) == 0 || len(data) > MaxImageBytes || !bytes.HasPrefix(data, pngSignature) {
		return nil, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return nil, false
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	return img, true
}

// halve shrinks img to half its size, averaging 2×2 blocks of
// premultiplied RGBA (working on the pixel slice: a 4096×4096 picture has
// 16 million pixels, too many for At calls).
func halve(img image.Image) *image.RGBA {
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
		xdraw.Draw(src, src.Bounds(), img, img.Bounds().Min, xdraw.Src)
	}
	w, h := src.Bounds().Dx()/2, src.Bounds().Dy()/2
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		r0 := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+2*y)
		r1 := r0 + src.Stride
		o := out.PixOffset(0, y)
		for x := range w {
			i, j := r0+8*x, r1+8*x
			for c := range 4 {
				sum := uint(src.Pix[i+c]) + uint(src.Pix[i+4+c]) + uint(src.Pix[j+c]) + uint(src.Pix[j+4+c])
				out.Pix[o+4*x+c] = uint8((sum + 2) / 4)
			}
		}
	}
	return out
}

// drawPlaceholder draws a neutral medal (a ring and a disc) in box: no
// badge's colours, nothing that could be mistaken for its design.
func drawPlaceholder(dst xdraw.Image, box image.Rectangle) {
	side := min(box.Dx(), box.Dy())
	cx := float64(box.Min.X) + float64(box.Dx())/2
	cy := float64(box.Min.Y) + float64(box.Dy())/2
	outer := float64(side) / 2 * 0.92
	ring := outer * 0.86
	inner := outer * 0.70
	discOuter := color.RGBA{0x8a, 0x90, 0x99, 0xff}
	discRing := color.RGBA{0xd9, 0xdd, 0xe3, 0xff}
	discInner := color.RGBA{0xb4, 0xba, 0xc2, 0xff}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			d := math.Sqrt(dx*dx + dy*dy)
			if d > outer+1 {
				continue
			}
			c := discInner
			switch {
			case d > ring:
				c = discOuter
			case d > inner:
				c = discRing
			}
			// Soften the outer edge over one pixel.
			cov := min(1, outer+0.5-d)
			if cov <= 0 {
				continue
			}
			blend(dst, x, y, c, cov)
		}
	}
}

func blend(dst xdraw.Image, x, y int, c color.RGBA, cov float64) {
	if cov >= 1 {
		dst.Set(x, y, c)
		return
	}
	a := uint8(cov * 255)
	src := color.NRGBA{c.R, c.G, c.B, a}
	xdraw.Draw(dst, image.Rect(x, y, x+1, y+1), image.NewUniform(src), image.Point{}, xdraw.Over)
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("shareimg: encode: %w", err)
	}
	return buf.Bytes(), nil
}
