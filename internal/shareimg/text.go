package shareimg

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The Go fonts are embedded in the binary by their packages, so rendering
// never reads a file or depends on what fonts the host has.
var fonts = sync.OnceValues(func() (*[2]*sfnt.Font, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("shareimg: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("shareimg: parse Go Bold: %w", err)
	}
	return &[2]*sfnt.Font{regular, bold}, nil
})

type weight int

const (
	regular weight = iota
	bold
)

// newFace returns a face of the given pixel size. A face keeps a scratch
// buffer and is not safe for concurrent use, so each rendering makes its own.
func newFace(w weight, px float64) (font.Face, error) {
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(fs[w], &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
}

const ellipsis = "…"

// maxRunes is more text than any box of the share images can show; longer
// text is cut first (and ends with an ellipsis) so that a hostile name of
// megabytes costs no more to lay out than a long one.
const maxRunes = 400

// clean drops control and formatting characters (including bidirectional
// overrides), folds runs of white space into one space and keeps at most
// maxRunes runes; cut reports whether text was left out.
func clean(s string) (_ string, cut bool) {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range s {
		if n == maxRunes {
			return b.String(), true
		}
		n++
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == unicode.ReplacementChar:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String(), false
}

func width(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

// wrap breaks text into at most maxLines lines no wider than maxWidth
// pixels, at spaces where it can and inside a word when a word alone is too
// wide. When the text does not fit, the last line ends with an ellipsis.
func wrap(face font.Face, text string, maxWidth, maxLines int) []string {
	text, cut := clean(text)
	words := strings.Fields(text)
	if len(words) == 0 || maxLines <= 0 {
		return nil
	}
	lines := wrapWords(face, words, maxWidth, maxLines)
	if last := len(lines) - 1; cut && !strings.HasSuffix(lines[last], ellipsis) {
		lines[last] = ellipsize(face, lines[last], maxWidth)
	}
	return lines
}

func wrapWords(face font.Face, words []string, maxWidth, maxLines int) []string {
	var lines []string
	line := ""
	for i := 0; i < len(words); i++ {
		w := words[i]
		candidate := w
		if line != "" {
			candidate = line + " " + w
		}
		if width(face, candidate) <= maxWidth {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
			i-- // retry the word on a fresh line
		} else {
			// The word alone is too wide: cut it where it stops fitting.
			head, tail := splitToFit(face, w, maxWidth)
			lines = append(lines, head)
			words[i] = tail
			i--
		}
		if len(lines) == maxLines {
			if rest := strings.TrimSpace(strings.Join(words[i+1:], " ")); rest != "" {
				lines[maxLines-1] = ellipsize(face, lines[maxLines-1]+" "+rest, maxWidth)
			}
			return lines
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// splitToFit cuts word after as many runes as fit in maxWidth (at least one).
func splitToFit(face font.Face, word string, maxWidth int) (string, string) {
	runes := []rune(word)
	n := 1
	for n < len(runes) && width(face, string(runes[:n+1])) <= maxWidth {
		n++
	}
	return string(runes[:n]), string(runes[n:])
}

// ellipsize shortens s so that s+"…" fits in maxWidth, cutting back to a
// word boundary when one is close by. It is only called for text that was
// cut, so the ellipsis is always added.
func ellipsize(face font.Face, s string, maxWidth int) string {
	runes := []rune(strings.TrimSpace(s))
	// The longest prefix that fits with the ellipsis (widths grow with the
	// prefix, so a binary search finds it).
	n := sort.Search(len(runes)+1, func(n int) bool {
		return width(face, string(runes[:n])+ellipsis) > maxWidth
	}) - 1
	if n <= 0 {
		return ellipsis
	}
	cut := string(runes[:n])
	// Cut mid-word: go back to the space before it if that loses little.
	if n < len(runes) && runes[n] != ' ' {
		if i := strings.LastIndexByte(cut, ' '); i > 0 && utf8.RuneCountInString(cut[i:]) <= 12 {
			cut = cut[:i]
		}
	}
	return strings.TrimRight(cut, " ,;:.-–—") + ellipsis
}

// drawLines draws lines with their first baseline at y, lineHeight apart,
// and returns the y below the last line.
func drawLines(d *font.Drawer, lines []string, x, y, lineHeight int) int {
	for _, l := range lines {
		d.Dot = fixed.P(x, y)
		d.DrawString(l)
		y += lineHeight
	}
	return y
}
