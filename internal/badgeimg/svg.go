package badgeimg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

const svgNamespace = "http://www.w3.org/2000/svg"

// maxSVGDepth bounds element nesting; real badges nest a few levels.
const maxSVGDepth = 256

// maxSVGSide bounds the dimensions reported for an SVG; larger stated sizes
// are reported as unknown (0) rather than trusted.
const maxSVGSide = 1 << 16

// checkSVG parses data as XML with a strict decoder that knows no DTD and
// no entities beyond the five predefined ones, and requires one root <svg>
// element in the SVG namespace. A DOCTYPE is accepted only in its plain
// form (a name and an external identifier, no internal subset); any other
// directive, and any entity reference, is refused.
func checkSVG(data []byte) (Info, error) {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	d.Strict = true
	// No CharsetReader: only UTF-8 (and ASCII) files are accepted.
	var (
		info     = Info{ContentType: SVG}
		depth    int
		rooted   bool // the root element has started
		closed   bool // the root element has ended
		doctyped bool // a plain DOCTYPE line has been seen
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !rooted {
				return Info{}, notSVG(data, err)
			}
			return Info{}, badSVG(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			s := strings.TrimSpace(string(t))
			isDoctype := len(s) >= 7 && strings.EqualFold(s[:7], "DOCTYPE")
			if isDoctype && !rooted && !doctypeIsSVG(s) {
				return Info{}, notImage(data) // an HTML page or other XML
			}
			if isDoctype && !rooted && !doctyped && plainDoctype(s) {
				// The <!DOCTYPE svg PUBLIC …> line many editors write: it
				// declares nothing, and the external DTD is never read.
				doctyped = true
				continue
			}
			if !isDoctype {
				return Info{}, newError(Unsafe, errors.New("directive <!"+firstWord(s)+">"),
					"The badge image is an SVG file with an XML declaration (<!%s>) that Satchel refuses for safety reasons; ask the issuer for a plain SVG file.", firstWord(s))
			}
			return Info{}, newError(Unsafe, errors.New("directive <!"+firstWord(s)+">"),
				"The badge image is an SVG file whose document type declaration (DOCTYPE) declares its own markup or entities, or is misplaced, which Satchel refuses for safety reasons; ask the issuer for a plain SVG file.")
		case xml.StartElement:
			if closed {
				return Info{}, badSVG(errors.New("content after the root element"))
			}
			depth++
			if depth > maxSVGDepth {
				return Info{}, newError(Damaged, errors.New("nesting too deep"), "The badge image is an SVG file nested too deeply to be shown.")
			}
			if !rooted {
				if t.Name.Local != "svg" {
					return Info{}, notImage(data)
				}
				if t.Name.Space != svgNamespace {
					return Info{}, newError(Damaged, errors.New("root namespace "+strconv.Quote(t.Name.Space)),
						"The badge image is not a valid SVG file: its <svg> element lacks the SVG namespace, so browsers cannot show it.")
				}
				rooted = true
				info.Width, info.Height = svgSize(t.Attr)
			}
		case xml.EndElement:
			depth--
			if depth == 0 {
				closed = true
			}
		case xml.CharData:
			if !rooted || closed {
				if len(bytes.TrimSpace(t)) > 0 {
					return Info{}, badSVG(errors.New("text outside the root element"))
				}
			}
		}
	}
	if !rooted {
		return Info{}, notImage(data)
	}
	if !closed {
		return Info{}, badSVG(errors.New("unclosed root element"))
	}
	return info, nil
}

// notSVG explains a parse error met before the root element: XML entities
// are a safety refusal, anything else means the text is not an SVG file.
func notSVG(data []byte, err error) *Error {
	if isEntityError(err) {
		return unsafeEntities(err)
	}
	if strings.Contains(err.Error(), "CharsetReader") {
		return badSVG(err)
	}
	if bytes.Contains(data, []byte("<svg")) || bytes.Contains(data, []byte(":svg")) {
		return badSVG(err)
	}
	e := notImage(data)
	e.Err = err
	return e
}

func badSVG(err error) *Error {
	if isEntityError(err) {
		return unsafeEntities(err)
	}
	if strings.Contains(err.Error(), "CharsetReader") {
		return newError(Damaged, err, "The badge image is an SVG file in a text encoding other than UTF-8; ask the issuer for a UTF-8 file.")
	}
	return newError(Damaged, err, "The badge image is an SVG file that is damaged (not well-formed XML), so it cannot be shown.")
}

func isEntityError(err error) bool {
	return strings.Contains(err.Error(), "entity")
}

func unsafeEntities(err error) *Error {
	return newError(Unsafe, err, "The badge image is an SVG file that uses XML entities, which Satchel refuses for safety reasons; ask the issuer for a plain SVG file.")
}

func doctypeIsSVG(s string) bool {
	f := strings.Fields(s)
	return len(f) > 1 && strings.EqualFold(f[1], "svg")
}

// plainDoctype reports whether s, the text of a <!DOCTYPE …> directive,
// is exactly
//
//	DOCTYPE svg [PUBLIC "pubid" "system" | SYSTEM "system"]
//
// with no internal subset: nothing that could declare an entity or an
// attribute default. Satchel never reads the external DTD.
func plainDoctype(s string) bool {
	rest, ok := cutSpace(s[len("DOCTYPE"):])
	if !ok {
		return false
	}
	name, rest := cutWord(rest)
	if name != "svg" {
		return false
	}
	rest = strings.TrimLeft(rest, xmlSpace)
	switch kw, after := cutWord(rest); kw {
	case "":
		return rest == ""
	case "PUBLIC":
		var pubid string
		if pubid, rest, ok = quoted(after); !ok || !isPubid(pubid) {
			return false
		}
		if _, rest, ok = quoted(rest); !ok {
			return false
		}
	case "SYSTEM":
		if _, rest, ok = quoted(after); !ok {
			return false
		}
	default:
		return false
	}
	return strings.TrimLeft(rest, xmlSpace) == ""
}

const xmlSpace = " \t\r\n"

// cutSpace removes the white space s must start with.
func cutSpace(s string) (string, bool) {
	t := strings.TrimLeft(s, xmlSpace)
	return t, len(t) < len(s)
}

// cutWord splits s at its first white space, quote or bracket.
func cutWord(s string) (word, rest string) {
	i := strings.IndexAny(s, xmlSpace+`"'[`)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// quoted reads one literal in single or double quotes after required white
// space, as an external identifier has them.
func quoted(s string) (lit, rest string, ok bool) {
	s, ok = cutSpace(s)
	if !ok || s == "" || (s[0] != '"' && s[0] != '\'') {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", "", false
	}
	return s[1 : 1+end], s[2+end:], true
}

// isPubid reports whether s holds only the characters XML allows in a
// public identifier.
func isPubid(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(" \r\n-'()+,./:=?;!*#@$_%", r):
		default:
			return false
		}
	}
	return true
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// svgSize reads the root's width and height (absolute lengths only) and
// falls back on the viewBox for what they do not give, keeping its aspect
// ratio when only one of them is stated.
func svgSize(attrs []xml.Attr) (w, h int) {
	var width, height, vbW, vbH float64
	for _, a := range attrs {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "width":
			width = svgLength(a.Value)
		case "height":
			height = svgLength(a.Value)
		case "viewBox":
			vbW, vbH = viewBox(a.Value)
		}
	}
	switch {
	case width > 0 && height > 0:
	case width > 0 && vbW > 0 && vbH > 0:
		height = width * vbH / vbW
	case height > 0 && vbW > 0 && vbH > 0:
		width = height * vbW / vbH
	case width == 0 && height == 0:
		width, height = vbW, vbH
	}
	return side(width), side(height)
}

func side(f float64) int {
	if !(f > 0) || f > maxSVGSide || math.IsInf(f, 0) {
		return 0
	}
	return int(math.Round(f))
}

// svgLength converts an SVG length to CSS pixels; relative units (%, em,
// ex) and anything unreadable give 0.
func svgLength(s string) float64 {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		px     float64
	}{{"px", 1}, {"pt", 4.0 / 3}, {"pc", 16}, {"mm", 96 / 25.4}, {"cm", 96 / 2.54}, {"in", 96}}
	scale := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, scale = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.px
			break
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		return 0
	}
	return f * scale
}

// viewBox returns the width and height of "min-x min-y width height".
func viewBox(s string) (w, h float64) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' })
	if len(f) != 4 {
		return 0, 0
	}
	w, err1 := strconv.ParseFloat(f[2], 64)
	h, err2 := strconv.ParseFloat(f[3], 64)
	if err1 != nil || err2 != nil || !(w > 0) || !(h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return 0, 0
	}
	return w, h
}
