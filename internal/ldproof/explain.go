package ldproof

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/piprate/json-gold/ld"
)

// json-gold's safe mode says that some property did not expand, not which.
// undefinedTerms finds out, so the learner (or issuer) is told the name and
// place of each term no context defines. It runs only after expansion has
// failed: for every property it expands a skeleton of the document holding
// just that property and what decides its meaning (the contexts and types of
// the objects above it). Work is capped; the caller falls back to the
// generic message when nothing is found.

const (
	maxExplainChecks = 400
	maxExplainTerms  = 5
	// maxExplainTime bounds the search when each check is slow (a large
	// inline context is processed again for every skeleton).
	maxExplainTime = 250 * time.Millisecond
)

type pathStep struct {
	key   string
	index int // used when key == ""
}

func undefinedTerms(doc any) []string {
	root, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	var found []string
	checks := 0
	deadline := time.Now().Add(maxExplainTime)
	var walk func(node map[string]any, chain []pathStep)
	walk = func(node map[string]any, chain []pathStep) {
		keys := make([]string, 0, len(node))
		for k := range node {
			if k != "@context" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(found) >= maxExplainTerms || checks >= maxExplainChecks || time.Now().After(deadline) {
				return
			}
			checks++
			if propertyUndefined(skeleton(root, chain, k)) {
				found = append(found, jsonPath(append(chain, pathStep{key: k})))
				continue
			}
			switch v := node[k].(type) {
			case map[string]any:
				walk(v, append(chain[:len(chain):len(chain)], pathStep{key: k}))
			case []any:
				for i, e := range v {
					if m, ok := e.(map[string]any); ok {
						walk(m, append(chain[:len(chain):len(chain)], pathStep{key: k}, pathStep{index: i}))
					}
				}
			}
		}
	}
	walk(root, nil)
	return found
}

// skeleton copies from root only what leads to the property key of the node
// at chain: each object's @context and type, and the step to its child.
func skeleton(root map[string]any, chain []pathStep, key string) map[string]any {
	var build func(node map[string]any, rest []pathStep) map[string]any
	build = func(node map[string]any, rest []pathStep) map[string]any {
		out := map[string]any{}
		for _, k := range []string{"@context", "type", "@type"} {
			if v, ok := node[k]; ok {
				out[k] = v
			}
		}
		if len(rest) == 0 {
			out[key] = placeholder(node[key])
			return out
		}
		step := rest[0]
		switch child := node[step.key].(type) {
		case map[string]any:
			out[step.key] = build(child, rest[1:])
		case []any:
			if len(rest) > 1 && rest[1].key == "" && rest[1].index < len(child) {
				if m, ok := child[rest[1].index].(map[string]any); ok {
					out[step.key] = []any{build(m, rest[2:])}
				}
			}
		}
		return out
	}
	return build(root, chain)
}

// placeholder keeps simple values as they are and stands an empty object in
// for nested ones, which every kind of term accepts.
func placeholder(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return map[string]any{}
	case []any:
		for _, e := range t {
			switch e.(type) {
			case map[string]any, []any:
				return map[string]any{}
			}
		}
		return t
	default:
		return v
	}
}

func propertyUndefined(doc map[string]any) (undefined bool) {
	defer func() {
		if recover() != nil {
			undefined = false
		}
	}()
	_, err := expandRaw(doc, newOptions())
	var lerr *ld.JsonLdError
	return errors.As(err, &lerr) && lerr.Code == ld.InvalidProperty
}

func jsonPath(chain []pathStep) string {
	var b strings.Builder
	for _, s := range chain {
		if s.key == "" {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// explainExpandError turns json-gold's safe-mode error into one naming the
// undefined terms when they can be found.
func explainExpandError(doc any, err error) error {
	var lerr *ld.JsonLdError
	if !errors.As(err, &lerr) || lerr.Code != ld.InvalidProperty {
		return jsonldError(err)
	}
	terms := undefinedTerms(doc)
	if len(terms) == 0 {
		return jsonldError(err)
	}
	if len(terms) == 1 {
		return fmt.Errorf("%w: property %q is not defined by any of its contexts", ErrJSONLD, terms[0])
	}
	return fmt.Errorf("%w: properties %s are not defined by any of their contexts", ErrJSONLD, quoteAll(terms))
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, e := range s {
		q[i] = strconv.Quote(e)
	}
	return strings.Join(q, ", ")
}
