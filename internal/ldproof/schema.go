package ldproof

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed schema/*.json
var schemaFS embed.FS

// Schema names accepted by ValidateSchema.
const (
	SchemaAchievementCredential = "achievementcredential"
	SchemaEndorsementCredential = "endorsementcredential"
	SchemaProfile               = "profile"
)

// ErrUnknownSchema is returned for a schema name that is not embedded.
var ErrUnknownSchema = errors.New("ldproof: unknown schema")

// SchemaError says why a document does not match an Open Badges 3.0 JSON
// Schema: a short summary for people and each problem with its place in the
// document (a JSON Pointer such as /credentialSubject/achievement/name).
type SchemaError struct {
	Schema   string
	Problems []SchemaProblem
	// OnlyShape is true when every problem is a single value where the
	// schema wants an array: JSON-LD reads both the same, so the badge is
	// fine as linked data but may trouble plain-JSON consumers.
	OnlyShape bool
}

// SchemaProblem is one failed schema rule at one place in the document.
type SchemaProblem struct {
	Path    string // JSON Pointer into the document; "" is the whole document
	Message string
	// Shape marks a single value where the schema wants an array.
	Shape bool

	tokens []string
}

// Summary is one sentence a learner can read.
func (e *SchemaError) Summary() string {
	n := len(e.Problems)
	if !e.OnlyShape {
		n = len(nonShape(e.Problems))
	}
	what := "badge"
	switch e.Schema {
	case SchemaEndorsementCredential:
		what = "endorsement"
	case SchemaProfile:
		what = "issuer profile"
	}
	if e.OnlyShape {
		if n == 1 {
			return fmt.Sprintf("The %s follows the Open Badges 3.0 format as linked data, but one value is single where the plain JSON format expects a list (%s); some software may misread it.", what, pathOrRoot(e.Problems[0].Path))
		}
		return fmt.Sprintf("The %s follows the Open Badges 3.0 format as linked data, but %d values are single where the plain JSON format expects a list; some software may misread them.", what, n)
	}
	if n == 1 {
		return fmt.Sprintf("The %s does not follow the Open Badges 3.0 format: %s.", what, e.Problems[0].human())
	}
	return fmt.Sprintf("The %s does not follow the Open Badges 3.0 format (%d problems; first: %s).", what, n, e.Problems[0].human())
}

// Detail lists every problem with its path, one per line.
func (e *SchemaError) Detail() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s", pathOrRoot(p.Path), p.Message)
	}
	return b.String()
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("schema %s: %s\n%s", e.Schema, e.Summary(), e.Detail())
}

func (p SchemaProblem) human() string {
	if p.Path == "" {
		return p.Message
	}
	return fmt.Sprintf("at %s, %s", p.Path, p.Message)
}

func pathOrRoot(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	schemasErr  error
)

func compileSchemas() (map[string]*jsonschema.Schema, error) {
	schemasOnce.Do(func() {
		entries, err := schemaFS.ReadDir("schema")
		if err != nil {
			schemasErr = err
			return
		}
		c := jsonschema.NewCompiler()
		// date and date-time are asserted, as the reference validator does.
		c.AssertFormat()
		// The schemas are self-contained; nothing is loaded from anywhere.
		c.UseLoader(refuseLoader{})
		names := map[string]string{}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			data, err := schemaFS.ReadFile("schema/" + e.Name())
			if err != nil {
				schemasErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				schemasErr = fmt.Errorf("ldproof: schema %s: %w", e.Name(), err)
				return
			}
			name := strings.TrimSuffix(e.Name(), ".json")
			loc := "satchel:schema/" + e.Name()
			if err := c.AddResource(loc, doc); err != nil {
				schemasErr = fmt.Errorf("ldproof: schema %s: %w", e.Name(), err)
				return
			}
			names[name] = loc
		}
		schemas = map[string]*jsonschema.Schema{}
		for name, loc := range names {
			s, err := c.Compile(loc)
			if err != nil {
				schemasErr = fmt.Errorf("ldproof: compile schema %s: %w", name, err)
				return
			}
			schemas[name] = s
		}
	})
	return schemas, schemasErr
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("ldproof: schema %s is not embedded and is never fetched", url)
}

// ValidateSchema checks a JSON document against one of the embedded 1EdTech
// Open Badges 3.0 JSON Schemas, named by file: "achievementcredential",
// "endorsementcredential", "profile", "getopenbadgecredentialsresponse",
// "imsx_statusinfo". A mismatch is a *SchemaError listing each problem with its
// place in the document.
//
// The schemas are written for plain JSON and want arrays where JSON-LD also
// accepts a single value ("type": "Achievement", a lone "proof" object).
// Such problems are still reported, marked Shape; when they are the only
// problems, SchemaError.OnlyShape is true and a caller may treat them as
// warnings, as the reference validator does.
func ValidateSchema(doc []byte, name string) error {
	all, err := compileSchemas()
	if err != nil {
		return err
	}
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownSchema, name)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("ldproof: the badge is not valid JSON: %w", err)
	}
	var shape []SchemaProblem
	for round := 0; round < maxShapeRounds; round++ {
		err = s.Validate(inst)
		if err == nil {
			break
		}
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("ldproof: schema %s: %w", name, err)
		}
		probs := problems(ve)
		wrapped := false
		for _, p := range probs {
			if p.Shape && wrapInArray(inst, p.tokens) {
				if len(shape) < maxSchemaProblems {
					shape = append(shape, p)
				}
				wrapped = true
			}
		}
		if !wrapped {
			se := &SchemaError{Schema: name}
			se.Problems = append(se.Problems, nonShape(probs)...)
			se.Problems = append(se.Problems, shape...)
			sortProblems(se.Problems)
			return se
		}
	}
	if err != nil {
		return fmt.Errorf("ldproof: schema %s: too many nested single values", name)
	}
	if len(shape) == 0 {
		return nil
	}
	sortProblems(shape)
	return &SchemaError{Schema: name, Problems: shape, OnlyShape: true}
}

const maxShapeRounds = 16

// maxSchemaProblems caps how many problems are collected from one
// validation, so a hostile document cannot produce a megabyte of report.
const maxSchemaProblems = 100

func nonShape(ps []SchemaProblem) []SchemaProblem {
	var out []SchemaProblem
	for _, p := range ps {
		if !p.Shape {
			out = append(out, p)
		}
	}
	return out
}

// sortProblems puts real problems before shape ones, each in document order.
func sortProblems(ps []SchemaProblem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Shape != ps[j].Shape {
			return !ps[i].Shape
		}
		return ps[i].Path < ps[j].Path
	})
}

// wrapInArray replaces the value at tokens with a one-element array holding
// it, in place. It reports whether it changed anything.
func wrapInArray(inst any, tokens []string) bool {
	if len(tokens) == 0 {
		return false
	}
	parent := inst
	for _, t := range tokens[:len(tokens)-1] {
		switch p := parent.(type) {
		case map[string]any:
			parent = p[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(p) {
				return false
			}
			parent = p[i]
		default:
			return false
		}
	}
	last := tokens[len(tokens)-1]
	switch p := parent.(type) {
	case map[string]any:
		v, ok := p[last]
		if !ok {
			return false
		}
		if _, isArr := v.([]any); isArr {
			return false
		}
		p[last] = []any{v}
		return true
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(p) {
			return false
		}
		if _, isArr := p[i].([]any); isArr {
			return false
		}
		p[i] = []any{p[i]}
		return true
	}
	return false
}

// problems flattens a validation error into its leaf failures. Under anyOf
// and oneOf, a branch that only failed because the value has another JSON
// type at that same place ("got object, want string" for an issuer that may
// be a URL or a Profile) is dropped when another branch says more.
func problems(ve *jsonschema.ValidationError) []SchemaProblem {
	var out []SchemaProblem
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(out) >= maxSchemaProblems {
			return
		}
		if len(e.Causes) == 0 {
			p := SchemaProblem{
				Path:    pointer(e.InstanceLocation),
				Message: e.ErrorKind.LocalizedString(printer),
				tokens:  e.InstanceLocation,
			}
			if t, ok := e.ErrorKind.(*kind.Type); ok && t.Got != "array" && slices.Contains(t.Want, "array") {
				p.Shape = true
				p.Message = "a single " + t.Got + " where a list is expected"
			}
			key := p.Path + "\x00" + p.Message
			if !seen[key] {
				seen[key] = true
				out = append(out, p)
			}
			return
		}
		causes := e.Causes
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			causes = informativeBranches(e)
		}
		for _, c := range causes {
			walk(c)
		}
	}
	walk(ve)
	if len(out) == 0 {
		out = append(out, SchemaProblem{Message: ve.ErrorKind.LocalizedString(printer)})
	}
	return out
}

func informativeBranches(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var keep []*jsonschema.ValidationError
	for _, c := range e.Causes {
		if !onlyTypeMismatchAt(c, len(e.InstanceLocation)) {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return e.Causes
	}
	return keep
}

// onlyTypeMismatchAt reports whether every leaf of e is a JSON type mismatch
// at the given depth (the place the anyOf applies to).
func onlyTypeMismatchAt(e *jsonschema.ValidationError, depth int) bool {
	if len(e.Causes) == 0 {
		_, isType := e.ErrorKind.(*kind.Type)
		return isType && len(e.InstanceLocation) == depth
	}
	for _, c := range e.Causes {
		if !onlyTypeMismatchAt(c, depth) {
			return false
		}
	}
	return true
}
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)
