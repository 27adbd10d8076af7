package badge

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SVG namespaces of the badge element.
const (
	nsOB2 = "http://openbadges.org"
	nsOB3 = "https://purl.imsglobal.org/ob/v3p0"
)

// maxSVGDepth bounds element nesting so hostile files cannot exhaust memory.
const maxSVGDepth = 512

// svgBadge is one badge element found in an SVG file.
type svgBadge struct {
	start, end int    // byte range of the whole element
	body       []byte // character data (CDATA) inside it, trimmed
	verify     string // the verify attribute, trimmed
}

// svgScan is what bakeSVG and unbakeSVG need to know about an SVG file.
type svgScan struct {
	rootStart, rootEnd int  // byte range of the root start tag
	rootSelfClosing    bool // <svg .../>
	badges             []svgBadge
}

func isBadgeElement(n xml.Name) bool {
	space := strings.TrimSuffix(n.Space, "/")
	switch space {
	case nsOB2, nsOB3, "openbadges": // "openbadges": prefix used without a declaration
	default:
		return false
	}
	return n.Local == "assertion" || n.Local == "credential"
}

// scanSVG parses img as XML with a strict decoder that resolves no DTD and
// no entities (an undeclared entity is an error; DOCTYPE is ignored), and
// records the root start tag and every badge element. With firstOnly it
// stops after the first badge element (encoding/xml reads only ~10-20 MB/s,
// and the rest of the drawing does not matter for reading).
func scanSVG(img []byte, firstOnly bool) (*svgScan, error) {
	d := xml.NewDecoder(bytes.NewReader(img))
	d.Strict = true
	// No CharsetReader: only UTF-8 (and ASCII) documents are accepted.
	s := &svgScan{rootStart: -1}
	// Without any trace of the badge namespaces there is nothing to find
	// past the root element.
	noMarker := firstOnly && !bytes.Contains(img, []byte("openbadges")) &&
		!bytes.Contains(img, []byte("purl.imsglobal.org/ob/v3p0"))
	depth := 0
	var cur *svgBadge
	curDepth := 0
	var body bytes.Buffer
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if s.rootStart < 0 && !bytes.Contains(img, []byte("<svg")) && !bytes.Contains(img, []byte(":svg")) {
				return nil, ErrNotBadge // not an attempt at SVG at all
			}
			reason := "the image file is not well-formed XML"
			switch msg := err.Error(); {
			case strings.Contains(msg, "entity"):
				reason = "the image uses XML entities, which are not allowed for safety reasons"
			case strings.Contains(msg, "CharsetReader"):
				reason = "the image uses a text encoding other than UTF-8; save it as UTF-8 and try again"
			}
			return nil, malformed(FormatSVG, reason, err)
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxSVGDepth {
				return nil, malformed(FormatSVG, "the image is nested too deeply", nil)
			}
			if s.rootStart < 0 {
				if t.Name.Local != "svg" {
					return nil, ErrNotBadge
				}
				s.rootStart, s.rootEnd = start, end
				s.rootSelfClosing = bytes.HasSuffix(bytes.TrimRight(img[start:end], " \t\r\n"), []byte("/>"))
				if noMarker {
					return s, nil
				}
			}
			if cur == nil && isBadgeElement(t.Name) {
				cur = &svgBadge{start: start}
				curDepth = depth
				body.Reset()
				for _, a := range t.Attr {
					if a.Name.Local == "verify" && (a.Name.Space == "" || isBadgeElement(xml.Name{Space: a.Name.Space, Local: "assertion"})) {
						cur.verify = strings.TrimSpace(a.Value)
					}
				}
			}
		case xml.EndElement:
			if cur != nil && depth == curDepth {
				cur.end = end
				cur.body = bytes.TrimSpace(bytes.Clone(body.Bytes()))
				s.badges = append(s.badges, *cur)
				cur = nil
				if firstOnly {
					return s, nil
				}
			}
			depth--
		case xml.CharData:
			if cur != nil {
				body.Write(t) // entities are never expanded, so this stays within the input's size
			}
		}
	}
	if s.rootStart < 0 {
		return nil, ErrNotBadge
	}
	return s, nil
}

// unbakeSVG returns the data of the first badge element: its CDATA body or,
// when that is empty, its verify attribute.
func unbakeSVG(img []byte) ([]byte, error) {
	s, err := scanSVG(img, true)
	if err != nil {
		return nil, err
	}
	if len(s.badges) == 0 {
		return nil, ErrNoBadgeData
	}
	b := s.badges[0]
	if len(b.body) > 0 {
		return b.body, nil
	}
	if b.verify != "" {
		return []byte(b.verify), nil
	}
	return nil, malformed(FormatSVG, "the badge element inside the image is empty", nil)
}

// bakeSVG writes data into img: JSON in a CDATA section, a JWS or URL in the
// verify attribute (a hosted 2.0 assertion also gets its id in verify). The
// element goes first inside the root, whose xmlns:openbadges declaration is
// set to the namespace of the version; earlier badge elements are removed.
// Carriage returns in the data are normalised to line feeds, as every XML
// parser does on reading.
func bakeSVG(img, data []byte, v Version, verify string) ([]byte, error) {
	s, err := scanSVG(img, false)
	if err != nil {
		return nil, err
	}
	ns, elem := nsOB2, "assertion"
	if v == V3_0 {
		ns, elem = nsOB3, "credential"
	}
	var el bytes.Buffer
	el.WriteString("<openbadges:" + elem)
	if verify != "" {
		el.WriteString(` verify="`)
		if err := xml.EscapeText(&el, []byte(verify)); err != nil {
			return nil, err
		}
		el.WriteString(`"`)
	}
	el.WriteString(">")
	if isJSONText(data) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
		el.WriteString("<![CDATA[")
		el.Write(bytes.ReplaceAll(data, []byte("]]>"), []byte("]]]]><![CDATA[>")))
		el.WriteString("]]>")
	}
	el.WriteString("</openbadges:" + elem + ">")

	root, err := setRootNamespace(img[s.rootStart:s.rootEnd], ns)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(img) + el.Len() + 64)
	out.Write(img[:s.rootStart])
	if s.rootSelfClosing {
		root = bytes.TrimRight(root, " \t\r\n")
		root = append(bytes.TrimSuffix(root, []byte("/>")), '>')
		out.Write(root)
		out.Write(el.Bytes())
		out.WriteString("</" + rootName(root) + ">")
	} else {
		out.Write(root)
		out.Write(el.Bytes())
	}
	pos := s.rootEnd
	for _, b := range s.badges {
		out.Write(img[pos:b.start])
		pos = b.end
	}
	out.Write(img[pos:])
	return out.Bytes(), nil
}

// setRootNamespace returns the root start tag with its xmlns:openbadges
// attribute set to ns (replacing any earlier value). tag has already been
// accepted by the XML decoder, so it is well-formed.
func setRootNamespace(tag []byte, ns string) ([]byte, error) {
	const attr = "xmlns:openbadges"
	i := 1 // skip '<'
	for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	nameEnd := i
	var out []byte
	out = append(out, tag[:nameEnd]...)
	out = append(out, ` `+attr+`="`+ns+`"`...)
	// Copy the other attributes, dropping an existing xmlns:openbadges.
	for i < len(tag) {
		j := i
		for j < len(tag) && isXMLSpace(tag[j]) {
			j++
		}
		if j >= len(tag) || tag[j] == '>' || tag[j] == '/' {
			out = append(out, tag[i:]...)
			return out, nil
		}
		k := j
		for k < len(tag) && tag[k] != '=' && !isXMLSpace(tag[k]) {
			k++
		}
		name := string(tag[j:k])
		for k < len(tag) && (isXMLSpace(tag[k]) || tag[k] == '=') {
			k++
		}
		if k >= len(tag) || (tag[k] != '"' && tag[k] != '\'') {
			return nil, malformed(FormatSVG, "the image file is not well-formed XML", errors.New("unexpected root attribute syntax"))
		}
		q := tag[k]
		e := bytes.IndexByte(tag[k+1:], q)
		if e < 0 {
			return nil, malformed(FormatSVG, "the image file is not well-formed XML", fmt.Errorf("unterminated attribute %s", name))
		}
		e += k + 2
		if name != attr {
			out = append(out, tag[i:e]...)
		}
		i = e
	}
	return out, nil
}

// rootName returns the qualified element name of a start tag ("svg" or
// "prefix:svg").
func rootName(tag []byte) string {
	i := 1
	for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	return string(tag[1:i])
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
