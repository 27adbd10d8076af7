package web

import (
	"sync"
	"time"
)

// pageCache keeps rendered public pages (a profile by its handle, a public
// collection by handle/slug), each under the version the database gave for
// the profile it belongs to (store.PublicProfileVersion) and the minute it
// was rendered in (a badge can expire with the clock). Every request asks
// the store for the version: on SQLite a query, on PostgreSQL usually the
// store's own copy, which the database's notices keep current (see
// store/profile_versions.go). The zero value is ready to use.
type pageCache struct {
	mu sync.Mutex
	m  map[string]cachedPage
}

type cachedPage struct {
	key string
	// parts is the page split where the visitor's CSRF token goes (see
	// csrfMarker): one part when the page has no form.
	parts [][]byte
}

// pageCacheMax bounds the entries; past it the cache starts afresh.
const pageCacheMax = 2000

func cacheKey(version string, now time.Time) string {
	return version + "@" + now.UTC().Truncate(time.Minute).Format(time.RFC3339)
}

func (pc *pageCache) get(page, key string) ([][]byte, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.m[page]
	if !ok || e.key != key {
		return nil, false
	}
	return e.parts, true
}

func (pc *pageCache) put(page, key string, parts [][]byte) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.m == nil || len(pc.m) >= pageCacheMax {
		pc.m = map[string]cachedPage{}
	}
	pc.m[page] = cachedPage{key: key, parts: parts}
}
