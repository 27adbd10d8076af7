package samples

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The sample artwork is drawn here from plain shapes, so the PNG files are
// reproducible byte for byte: no fonts, no randomness, the standard encoder.

const artSize = 256

// canvas is a square picture that shapes are painted onto, anti-aliased by
// sampling each pixel on a 4×4 grid.
type canvas struct {
	img *image.NRGBA
}

func newCanvas() *canvas {
	return &canvas{img: image.NewNRGBA(image.Rect(0, 0, artSize, artSize))}
}

// shape reports whether a point (in pixel units, 0..artSize) is inside.
type shape func(x, y float64) bool

const subSamples = 4

// fill paints c over every pixel in proportion to how much of it the shape
// covers (Porter-Duff "over" on non-premultiplied colours).
func (cv *canvas) fill(s shape, c color.NRGBA) {
	for py := 0; py < artSize; py++ {
		for px := 0; px < artSize; px++ {
			hits := 0
			for sy := 0; sy < subSamples; sy++ {
				for sx := 0; sx < subSamples; sx++ {
					x := float64(px) + (float64(sx)+0.5)/subSamples
					y := float64(py) + (float64(sy)+0.5)/subSamples
					if s(x, y) {
						hits++
					}
				}
			}
			if hits == 0 {
				continue
			}
			a := float64(c.A) / 255 * float64(hits) / (subSamples * subSamples)
			cv.blend(px, py, c, a)
		}
	}
}

func (cv *canvas) blend(px, py int, c color.NRGBA, a float64) {
	dst := cv.img.NRGBAAt(px, py)
	da := float64(dst.A) / 255
	oa := a + da*(1-a)
	if oa == 0 {
		return
	}
	mix := func(s, d uint8) uint8 {
		v := (float64(s)*a + float64(d)*da*(1-a)) / oa
		return uint8(math.Round(v))
	}
	cv.img.SetNRGBA(px, py, color.NRGBA{mix(c.R, dst.R), mix(c.G, dst.G), mix(c.B, dst.B), uint8(math.Round(oa * 255))})
}

func (cv *canvas) png() ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, cv.img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func disc(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

func ring(cx, cy, inner, outer float64) shape {
	return func(x, y float64) bool {
		d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
		return d <= outer*outer && d >= inner*inner
	}
}

// stroke is a line segment of width w with round ends.
func stroke(x1, y1, x2, y2, w float64) shape {
	dx, dy := x2-x1, y2-y1
	l2 := dx*dx + dy*dy
	return func(x, y float64) bool {
		t := ((x-x1)*dx + (y-y1)*dy) / l2
		t = math.Max(0, math.Min(1, t))
		ex, ey := x1+t*dx-x, y1+t*dy-y
		return ex*ex+ey*ey <= w*w/4
	}
}

// roundRect is an axis-aligned rectangle with corner radius r.
func roundRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

// polygon uses the even-odd rule.
func polygon(pts ...[2]float64) shape {
	return func(x, y float64) bool {
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
		return in
	}
}

func union(shapes ...shape) shape {
	return func(x, y float64) bool {
		for _, s := range shapes {
			if s(x, y) {
				return true
			}
		}
		return false
	}
}

func minus(a, b shape) shape {
	return func(x, y float64) bool { return a(x, y) && !b(x, y) }
}

// quad samples a quadratic Bézier curve from p0 to p2 (p0 excluded).
func quad(p0, p1, p2 [2]float64, n int) [][2]float64 {
	out := make([][2]float64, 0, n)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		out = append(out, [2]float64{
			u*u*p0[0] + 2*u*t*p1[0] + t*t*p2[0],
			u*u*p0[1] + 2*u*t*p1[1] + t*t*p2[1],
		})
	}
	return out
}

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 255}
}

// accessibilityArt: a rosette with ribbon tails; inside, a check mark in a
// rounded square drawn like a keyboard focus outline.
func accessibilityArt() ([]byte, error) {
	cv := newCanvas()
	teal, tealDark := rgb(0x2a9d8f), rgb(0x1f776c)
	gold, navy, cream := rgb(0xe9c46a), rgb(0x1d3557), rgb(0xf1faee)
	// Ribbon tails behind the rosette.
	cv.fill(polygon([2]float64{86, 150}, [2]float64{126, 170}, [2]float64{100, 250}, [2]float64{84, 226}, [2]float64{62, 236}), teal)
	cv.fill(polygon([2]float64{170, 150}, [2]float64{130, 170}, [2]float64{156, 250}, [2]float64{172, 226}, [2]float64{194, 236}), tealDark)
	cv.fill(disc(128, 112, 100), gold)
	cv.fill(disc(128, 112, 86), navy)
	cv.fill(ring(128, 112, 78, 81), cream)
	// Focus-style outline and check mark.
	cv.fill(minus(roundRect(84, 68, 172, 156, 16), roundRect(92, 76, 164, 148, 10)), gold)
	cv.fill(union(stroke(104, 113, 122, 131, 13), stroke(122, 131, 153, 94, 13)), cream)
	return cv.png()
}

// firstAidArt: a green shield with a light border and a white cross.
func firstAidArt() ([]byte, error) {
	cv := newCanvas()
	shield := func(inset float64) shape {
		top, left, right := 28+inset, 40+inset, 216-inset
		pts := [][2]float64{{left, top}, {right, top}, {right, 120}}
		pts = append(pts, quad([2]float64{right, 120}, [2]float64{right - 6, 196}, [2]float64{128, 232 - inset*1.3}, 16)...)
		pts = append(pts, quad([2]float64{128, 232 - inset*1.3}, [2]float64{left + 6, 196}, [2]float64{left, 120}, 16)...)
		return polygon(pts...)
	}
	cv.fill(shield(0), rgb(0x14532d))
	cv.fill(shield(8), rgb(0xdcfce7))
	cv.fill(shield(14), rgb(0x15803d))
	cv.fill(union(roundRect(108, 62, 148, 170, 6), roundRect(74, 96, 182, 136, 6)), rgb(0xffffff))
	return cv.png()
}

// The SVG artwork is written by hand. Each has a title for screen readers
// and an explicit size, and uses only basic shapes.

const collaborationSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-labelledby="title">
  <title id="title">Collaborative Problem Solving badge: three overlapping circles in a hexagon</title>
  <polygon points="128,8 232,68 232,188 128,248 24,188 24,68" fill="#264653"/>
  <polygon points="128,22 220,75 220,181 128,234 36,181 36,75" fill="none" stroke="#e9c46a" stroke-width="4"/>
  <g fill-opacity="0.85">
    <circle cx="128" cy="98" r="44" fill="#2a9d8f"/>
    <circle cx="100" cy="146" r="44" fill="#e76f51"/>
    <circle cx="156" cy="146" r="44" fill="#f4a261"/>
  </g>
  <circle cx="128" cy="130" r="10" fill="#ffffff"/>
</svg>
`

const gardenSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-labelledby="title">
  <title id="title">Community Garden Volunteer badge: a seedling under the sun</title>
  <circle cx="128" cy="128" r="120" fill="#606c38"/>
  <circle cx="128" cy="128" r="108" fill="#fefae0"/>
  <circle cx="170" cy="86" r="22" fill="#dda15e"/>
  <path d="M48 178 Q128 156 208 178 L208 194 Q128 232 48 194 Z" fill="#bc6c25"/>
  <path d="M128 176 L128 120" stroke="#283618" stroke-width="6" stroke-linecap="round" fill="none"/>
  <path d="M128 136 Q92 132 84 100 Q118 100 128 136 Z" fill="#606c38"/>
  <path d="M128 124 Q160 116 166 88 Q134 92 128 124 Z" fill="#283618"/>
</svg>
`

const dataAnalysisSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-labelledby="title">
  <title id="title">Introduction to Data Analysis with Python badge: a bar chart with a rising trend line</title>
  <rect x="8" y="8" width="240" height="240" rx="36" fill="#3d405b"/>
  <rect x="52" y="140" width="32" height="64" rx="4" fill="#81b29a"/>
  <rect x="96" y="112" width="32" height="92" rx="4" fill="#f2cc8f"/>
  <rect x="140" y="124" width="32" height="80" rx="4" fill="#81b29a"/>
  <rect x="184" y="72" width="32" height="132" rx="4" fill="#e07a5f"/>
  <polyline points="52,120 100,92 150,104 204,52" fill="none" stroke="#f4f1de" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>
  <line x1="40" y1="212" x2="224" y2="212" stroke="#f4f1de" stroke-width="4" stroke-linecap="round"/>
</svg>
`
