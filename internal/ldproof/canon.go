package ldproof

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// ErrJSONLD is wrapped by every error that says a document is not valid
// JSON-LD for Satchel's purposes: a term that does not expand to an IRI, a
// context that is not embedded, a malformed context or value.
var ErrJSONLD = errors.New("the badge data is not valid JSON-LD")

func newOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = embeddedLoader{}
	opts.ProcessingMode = ld.JsonLd_1_1
	// SafeMode makes expansion fail on a property that does not expand to
	// an absolute IRI instead of silently dropping it, so an undefined term
	// can never be left out of what a signature covers.
	opts.SafeMode = true
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	return opts
}

// Canonicalize returns the RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD
// document. doc may be a decoded JSON value (map[string]any, []any), raw JSON
// ([]byte, json.RawMessage) or any value encoding/json can marshal.
// Terms that do not expand to an absolute IRI, types that do not expand, and
// contexts that are not embedded are errors wrapping ErrJSONLD.
func Canonicalize(doc any) (string, error) {
	v, err := toJSONValue(doc)
	if err != nil {
		return "", err
	}
	return canonicalize(v)
}

func canonicalize(v any) (nq string, err error) {
	// json-gold asserts types of context values in places; a hostile
	// document must give an error, never a panic.
	defer func() {
		if r := recover(); r != nil {
			nq, err = "", fmt.Errorf("%w: JSON-LD processing failed: %v", ErrJSONLD, r)
		}
	}()
	if err := checkSize(v); err != nil {
		return "", err
	}
	opts := newOptions()
	expanded, err := expand(v, opts)
	if err != nil {
		return "", err
	}
	if err := checkExpanded(expanded, ""); err != nil {
		return "", err
	}
	dataset, err := toRDF(expanded, opts)
	if err != nil {
		return "", jsonldError(err)
	}
	if err := checkComplexity(dataset); err != nil {
		return "", err
	}
	var b strings.Builder
	writeNQuads(&b, normalize(dataset))
	return b.String(), nil
}

// normalize runs URDNA2015 and returns the quads in canonical order with
// canonical blank node labels. It drives json-gold's algorithm directly:
// its Main joins the output lines with += (quadratic, minutes for a 1 MiB
// document with thousands of statements).
func normalize(ds *ld.RDFDataset) []*ld.Quad {
	na := ld.NewNormalisationAlgorithm(ld.AlgorithmURDNA2015)
	na.Normalize(ds)
	return na.Quads()
}

var nquadSerializer = &ld.NQuadRDFSerializer{}

// writeNQuads writes quads as N-Quads lines in the order given, with
// json-gold's own serializer so the escaping matches the canonical form byte
// for byte. The serializer takes a whole dataset, whose graphs are a map
// and so unordered: each quad goes through one reused single-quad dataset,
// rather than a new dataset, map and buffer for each.
func writeNQuads(w *strings.Builder, quads []*ld.Quad) {
	one := make([]*ld.Quad, 1)
	ds := &ld.RDFDataset{Graphs: make(map[string][]*ld.Quad, 1)}
	for _, q := range quads {
		name := "@default"
		if q.Graph != nil {
			name = q.Graph.GetValue()
		}
		clear(ds.Graphs)
		one[0] = q
		ds.Graphs[name] = one
		// Writing to a strings.Builder cannot fail.
		_ = nquadSerializer.SerializeTo(w, ds)
	}
}

// CheckJSONLD expands the whole document (proofs included) with the embedded
// contexts and reports the first term, type or context that does not expand.
func CheckJSONLD(doc any) (err error) {
	v, err := toJSONValue(doc)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: JSON-LD processing failed: %v", ErrJSONLD, r)
		}
	}()
	if err := checkSize(v); err != nil {
		return err
	}
	expanded, err := expand(v, newOptions())
	if err != nil {
		return err
	}
	return checkExpanded(expanded, "")
}

func jsonldError(err error) error {
	if errors.Is(err, ErrJSONLD) {
		return err
	}
	var uc *unknownContextError
	if errors.As(err, &uc) {
		return fmt.Errorf("%w: %w", ErrJSONLD, uc)
	}
	msg := err.Error()
	var lerr *ld.JsonLdError
	if errors.As(err, &lerr) {
		msg = string(lerr.Code)
		if lerr.Details != nil {
			msg += ": " + fmt.Sprint(lerr.Details)
		}
	}
	return fmt.Errorf("%w: %s", ErrJSONLD, msg)
}

// checkExpanded walks expanded JSON-LD and refuses what RDF conversion would
// silently drop: a @type that is not an absolute IRI or blank node (an
// undefined class name such as "SomeProofType"), and a node @id that is a
// relative IRI.
func checkExpanded(v any, path string) error {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if err := checkExpanded(e, path); err != nil {
				return err
			}
		}
	case map[string]any:
		_, isValue := t["@value"]
		for k, e := range t {
			switch k {
			case "@type":
				if isValue {
					if s, ok := e.(string); ok && s != "@json" && (!absoluteOrBlank(s) || !validIRI(s)) {
						return fmt.Errorf("%w: datatype %q at %s is not defined by any context", ErrJSONLD, s, orRoot(path))
					}
					continue
				}
				types, _ := e.([]any)
				if s, ok := e.(string); ok {
					types = []any{s}
				}
				for _, ty := range types {
					s, _ := ty.(string)
					if !absoluteOrBlank(s) || !validIRI(s) {
						return fmt.Errorf("%w: type %q at %s is not defined by any context", ErrJSONLD, s, orRoot(path))
					}
				}
			case "@id":
				if s, ok := e.(string); ok && (!absoluteOrBlank(s) || !validIRI(s)) {
					return fmt.Errorf("%w: identifier %q at %s is not an absolute IRI", ErrJSONLD, s, orRoot(path))
				}
			case "@language":
				// RDF conversion drops a literal with a malformed tag.
				if s, ok := e.(string); ok && !languageTag.MatchString(s) {
					return fmt.Errorf("%w: language tag %q at %s is malformed", ErrJSONLD, s, orRoot(path))
				}
			case "@value", "@direction", "@index":
				// literal data
			default:
				if strings.HasPrefix(k, "_:") {
					// RDF conversion drops blank-node properties silently.
					return fmt.Errorf("%w: property %q at %s is a blank node identifier, not an IRI", ErrJSONLD, k, orRoot(path))
				}
				if !strings.HasPrefix(k, "@") && !validIRI(k) {
					return fmt.Errorf("%w: property %q at %s is not a valid IRI", ErrJSONLD, k, orRoot(path))
				}
				if err := checkExpanded(e, childPath(path, k)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func absoluteOrBlank(s string) bool {
	return strings.HasPrefix(s, "_:") || ld.IsAbsoluteIri(s)
}

var languageTag = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)

// validIRI mirrors the check json-gold applies when it converts to RDF, where
// a quad whose http(s) IRI fails it is silently dropped (and so would not be
// covered by a signature). Here it is an error instead. toRDF uses it too,
// for the dropping itself.
func validIRI(s string) bool {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return true
	}
	c := iriCache.Load()
	if ok, seen := c.m.Load(s); seen {
		return ok.(bool)
	}
	ok := ld.IsURL(s)
	if len(s) <= maxCachedIRILen {
		if c.n.Add(1) <= maxIRICache {
			c.m.Store(s, ok)
		} else {
			// Full: start afresh rather than keep the first IRIs ever seen,
			// so a burst of hostile documents cannot leave the vocabulary
			// IRIs of every later credential out of the cache for good.
			iriCache.CompareAndSwap(c, new(iriValidityCache))
		}
	}
	return ok
}

// iriCache remembers IRI validity: property and class IRIs come from the
// embedded contexts and repeat in every credential, and the check is a
// costly regular expression (about 20 µs). The answer depends only on the
// IRI, so sharing it between documents and goroutines is safe. Bounded in
// entries and in IRI length so hostile documents cannot grow it.
var iriCache atomic.Pointer[iriValidityCache]

type iriValidityCache struct {
	m sync.Map // IRI → bool
	n atomic.Int64
}

func init() { iriCache.Store(new(iriValidityCache)) }

const (
	maxIRICache     = 4096
	maxCachedIRILen = 512
)

// childPath extends a dotted path (credentialSubject.achievement) with an
// expanded property, leaving out JSON-LD's own structural keywords.
func childPath(path, k string) string {
	switch k {
	case "@graph", "@list", "@set", "@included", "@reverse":
		return path
	}
	if path == "" {
		return shortIRI(k)
	}
	return path + "." + shortIRI(k)
}

func orRoot(p string) string {
	if p == "" {
		return "the top level"
	}
	return p
}

// shortIRI keeps the last segment of an expanded property IRI so paths in
// error messages read like the original JSON keys.
func shortIRI(s string) string {
	if i := strings.LastIndexAny(s, "#/"); i >= 0 && i < len(s)-1 {
		return s[i+1:]
	}
	return s
}

// toJSONValue turns doc into the generic JSON value json-gold works on.
func toJSONValue(doc any) (any, error) {
	switch d := doc.(type) {
	case map[string]any, []any:
		return d, nil
	case []byte:
		return decodeJSON(d)
	case json.RawMessage:
		return decodeJSON(d)
	case string:
		return decodeJSON([]byte(d))
	case nil:
		return nil, fmt.Errorf("%w: empty document", ErrJSONLD)
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("ldproof: encode document: %w", err)
		}
		return decodeJSON(b)
	}
}

func decodeJSON(b []byte) (any, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrJSONLD, err)
	}
	return v, nil
}
