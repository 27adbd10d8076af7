package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// --- Open Badges 2.0 extensions ---

// extensionDef describes an extension context Satchel knows (these contexts
// are among those embedded by ldproof): the type it validates, the JSON
// Schema URL its context names (obi:validation), and the terms it defines,
// from full IRI to the name the schema uses.
type extensionDef struct {
	context string
	typeIRI string
	schema  string
	terms   map[string]string
}

var knownExtensions = []extensionDef{
	{
		context: "https://w3id.org/openbadges/extensions/exampleExtension/context.json",
		typeIRI: "https://w3id.org/openbadges/extensions#ExampleExtension",
		schema:  "https://openbadgespec.org/extensions/exampleExtension/schema.json",
		terms:   map[string]string{"http://schema.org/text": "exampleProperty"},
	},
	{
		context: "https://w3id.org/openbadges/extensions/applyLinkExtension/context.json",
		typeIRI: "https://w3id.org/openbadges/extensions#ApplyLink",
		schema:  "https://openbadgespec.org/extensions/applyLinkExtension/schema.json",
		terms:   map[string]string{"https://w3id.org/openbadges/extensions#applyLink": "url"},
	},
}

var ob2Prefixes = map[string]string{
	"obi":        obiNS,
	"extensions": "https://w3id.org/openbadges/extensions#",
	"schema":     "http://schema.org/",
}

func expandCompact(t string) string {
	if p, rest, ok := strings.Cut(t, ":"); ok {
		if ns, known := ob2Prefixes[p]; known {
			return ns + rest
		}
	}
	return t
}

// ob2Extensions checks every extension node on the assertion, BadgeClass and
// issuer: its type must be one an in-scope extension context validates, and
// the node must pass that extension's JSON Schema.
func (r *run) ob2Extensions(nodes ...map[string]any) {
	var found, problems, notes []string
	for _, n := range nodes {
		if n == nil {
			continue
		}
		scope := jsonv.Strings(n["@context"])
		for k, v := range n {
			if k == "@context" {
				continue
			}
			for _, e := range jsonv.Items(v) {
				ext := jsonv.Object(e)
				if ext == nil {
					continue
				}
				types := jsonv.Strings(ext["type"])
				if !slices.Contains(types, "Extension") && !slices.Contains(types, obiNS+"Extension") {
					continue
				}
				found = append(found, k)
				p, note := r.checkExtension(ext, append(scope, jsonv.Strings(ext["@context"])...))
				if p != "" {
					problems = append(problems, k+": "+p)
				}
				if note != "" {
					notes = append(notes, k+": "+note)
				}
			}
		}
	}
	switch {
	case len(found) == 0:
	case len(problems) > 0:
		r.add("extensions", Failed, say("check.extensions.failed"),
			strings.Join(problems, "; "))
	case len(notes) > 0:
		r.add("extensions", Skipped, say("check.extensions.skipped"), strings.Join(notes, "; "))
	default:
		r.add("extensions", Passed, say("check.extensions.ok"), strings.Join(found, ", "))
	}
}

func (r *run) checkExtension(ext map[string]any, scope []string) (problem, note string) {
	var defs []extensionDef
	for _, t := range jsonv.Strings(ext["type"]) {
		if t == "Extension" {
			continue
		}
		iri := expandCompact(t)
		for _, d := range knownExtensions {
			if d.typeIRI == iri && slices.Contains(scope, d.context) {
				defs = append(defs, d)
			}
		}
	}
	if len(defs) == 0 {
		return fmt.Sprintf("none of its types %v is described by its contexts %v", ext["type"], scope), ""
	}
	for _, d := range defs {
		resp, err := r.get(d.schema, fetch.JSON)
		if err != nil || resp.Status < 200 || resp.Status > 299 {
			note = "schema " + d.schema + " unavailable"
			continue
		}
		sch, err := compileSchema(d.schema, resp.Body)
		if err != nil {
			note = "schema " + d.schema + " unusable: " + err.Error()
			continue
		}
		inst := compactExtension(ext, d)
		if err := sch.Validate(inst); err != nil {
			return "it does not match the schema " + d.schema + ": " + oneLine(err.Error()), ""
		}
	}
	return "", note
}

// compactExtension renames properties given as full IRIs to the terms the
// extension's schema uses.
func compactExtension(ext map[string]any, d extensionDef) any {
	out := map[string]any{}
	for k, v := range ext {
		if t, ok := d.terms[k]; ok {
			k = t
		}
		out[k] = v
	}
	// Round-trip through JSON so numbers are in the form the validator expects.
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonv.Marshal(out)))
	if err != nil {
		return out
	}
	return inst
}

func compileSchema(u string, data []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(u, doc); err != nil {
		return nil, err
	}
	return c.Compile(u)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return firstN(s, 300)
}

// --- Open Badges 2.0 endorsements ---

func (r *run) ob2Endorsements(b *badge.Badge) {
	if len(b.Endorsements) == 0 || r.depth >= maxDepth {
		return
	}
	var bad []string
	ok := 0
	parentCtx := any(nil)
	if b.OB2 != nil && b.OB2.Node != nil {
		parentCtx = b.OB2.Node["@context"]
	}
	for _, e := range b.Endorsements {
		label := firstNonEmpty(e.URL, e.ID, "an embedded endorsement")
		var n map[string]any
		var err error
		switch {
		case len(e.Payload) > 0:
			n, err = jsonv.DecodeObjectText(e.Payload)
		case e.URL != "":
			n, _, err = r.fetchNode(e.URL, "check.term.moved_endorsement")
		default:
			continue
		}
		if err != nil {
			bad = append(bad, label+": "+strings.TrimSuffix(fetchMessage(err), "."))
			continue
		}
		if p := r.endorsement2Problem(n, parentCtx); p != nil {
			bad = append(bad, label+": "+strings.TrimSuffix(p.text(), "."))
			continue
		}
		ok++
	}
	switch {
	case len(bad) > 0:
		r.add("endorsements", Warning, say("check.endorsements.some_failed").num("Bad", len(bad)).count(len(bad)+ok),
			strings.Join(bad, "; "))
	case ok > 0:
		r.add("endorsements", Passed, say("check.endorsements.ok").count(ok), "")
	}
}

// endorsement2Problem checks a 2.0 Endorsement node; nil means it is fine.
// The problem is a clause that follows a colon.
func (r *run) endorsement2Problem(n map[string]any, parentCtx any) msg {
	if _, own := n["@context"]; own {
		if ok, _ := ob2ContextOK(n["@context"]); !ok {
			return say("check.endorsement.context_wrong")
		}
		parentCtx = nil
	} else if parentCtx == nil {
		return say("check.endorsement.context_missing")
	}
	if _, p := ob2TypeErr(n, parentCtx, []string{"Endorsement"}); p != nil {
		return say("check.endorsement.type_wrong").then(p)
	}
	claim := jsonv.Object(n["claim"])
	if claim == nil || jsonv.TrimmedString(claim, "id") == "" {
		return say("check.endorsement.no_claim")
	}
	if _, has, err := parseISODate(n["issuedOn"]); !has || err != nil {
		return say("check.endorsement.issued_on")
	}
	var is map[string]any
	if o := jsonv.Object(n["issuer"]); o != nil {
		is = o
	} else {
		u := jsonv.TrimmedID(n["issuer"])
		if !isHTTPURL(u) {
			return say("check.endorsement.issuer_not_web")
		}
		m, _, err := r.fetchNode(u, "check.term.moved_endorser")
		if err != nil {
			return say("check.endorsement.issuer_fetch", "Error", strings.TrimSuffix(fetchMessage(err), "."))
		}
		is = m
		parentCtx = nil
	}
	if _, p := ob2TypeErr(is, parentCtx, []string{"Issuer", "Profile"}); p != nil {
		return say("check.endorsement.issuer_not_profile").then(p)
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, e := range s {
		if strings.TrimSpace(e) != "" {
			return e
		}
	}
	return ""
}

var _ = json.Marshal
