package ldproof

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// expand runs JSON-LD expansion. When the document's top-level @context is
// one or more embedded context URLs (as for every Open Badges 3.0
// credential), the processed active context is taken from a cache instead of
// being rebuilt term by term on each call; that is most of the cost of
// canonicalizing a credential. Inline contexts take the ordinary path.
func expand(v any, opts *ld.JsonLdOptions) ([]any, error) {
	out, err := expandRaw(v, opts)
	if err != nil {
		return nil, explainExpandError(v, err)
	}
	return out, nil
}

// expandRaw is expand with json-gold's own error.
func expandRaw(v any, opts *ld.JsonLdOptions) ([]any, error) {
	if m, ok := v.(map[string]any); ok {
		if key, ok := contextKey(m["@context"]); ok {
			active, err := activeContext(key, m["@context"])
			if err != nil {
				return nil, err
			}
			body := make(map[string]any, len(m))
			for k, e := range m {
				if k != "@context" {
					body[k] = e
				}
			}
			out, err := ld.NewJsonLdApi().Expand(active, "", body, opts, false, nil)
			if err != nil {
				return nil, err
			}
			return expandedList(out), nil
		}
	}
	return ld.NewJsonLdProcessor().Expand(v, opts)
}

// expandedList applies the last steps of the expansion algorithm as
// JsonLdProcessor.Expand does: unwrap a lone @graph, always return an array.
func expandedList(out any) []any {
	if m, ok := out.(map[string]any); ok {
		if len(m) == 0 {
			return []any{}
		}
		if g, ok := m["@graph"]; ok && len(m) == 1 {
			out = g
		}
	}
	switch t := out.(type) {
	case nil:
		return []any{}
	case []any:
		return t
	default:
		return []any{t}
	}
}

// contextKey gives a cache key for a @context made only of URLs that are
// all embedded; anything else is not cached.
func contextKey(ctx any) (string, bool) {
	known, err := loadContexts()
	if err != nil {
		return "", false
	}
	switch c := ctx.(type) {
	case string:
		_, ok := known[c]
		return c, ok
	case []any:
		if len(c) == 0 || len(c) > 8 {
			return "", false
		}
		for _, e := range c {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			if _, ok := known[s]; !ok {
				return "", false
			}
		}
		b, err := json.Marshal(c)
		return string(b), err == nil
	}
	return "", false
}

type cachedContext struct {
	once sync.Once
	ctx  *ld.Context
	err  error
}

// activeContexts holds processed contexts keyed by contextKey. Keys can only
// be short lists of embedded URLs; the map is still capped so it stays small.
var (
	activeMu       sync.Mutex
	activeContexts = map[string]*cachedContext{}
)

const maxActiveContexts = 256

// activeContext returns the processed context for ctx. The result is shared
// and only read: json-gold copies a context before changing it.
func activeContext(key string, ctx any) (*ld.Context, error) {
	activeMu.Lock()
	c, ok := activeContexts[key]
	if !ok {
		c = &cachedContext{}
		if len(activeContexts) < maxActiveContexts {
			activeContexts[key] = c
		}
	}
	activeMu.Unlock()
	c.once.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				c.ctx, c.err = nil, fmt.Errorf("%w: JSON-LD context processing failed: %v", ErrJSONLD, r)
			}
		}()
		c.ctx, c.err = ld.NewContext(nil, newOptions()).Parse(ctx)
		if c.err != nil {
			c.err = jsonldError(c.err)
			return
		}
		trimProtected(c.ctx)
	})
	return c.ctx, c.err
}

// trimProtected keeps one entry of a processed context's set of protected
// terms. json-gold copies the whole context, that set included, each time
// it applies a type-scoped or property-scoped context, which it does for
// nearly every object of a credential; the 58 protected terms of the
// credentials and Open Badges contexts were a fifth of the bytes allocated
// in verifying one. In this json-gold the set is only ever read for being
// empty or not (a context with protected terms may not be nullified); each
// term's own protection is its TermDefinition.Protected, which stays.
// TestCachedContextMatchesJSONGold checks that nullifying and redefining
// protected terms are still refused, so a json-gold that reads the set
// some other way fails it.
func trimProtected(c *ld.Context) {
	if len(c.Protected) <= 1 {
		return
	}
	// The first term in order, so every process keeps the same one.
	term := slices.Min(slices.Collect(maps.Keys(c.Protected)))
	c.Protected = map[string]bool{term: true}
}
