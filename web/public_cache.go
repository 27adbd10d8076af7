package web

import (
	"sync"
	"time"
)

// profileCache keeps rendered public profiles, each under the version the
// database gave for it (store.PublicProfileVersion) and the minute it was
// rendered in (a badge can expire with the clock). Every request still asks
// the database for the version, so a change made through any process shows
// at once; a process only saves itself the rendering. The zero value is
// ready to use.
type profileCache struct {
	mu sync.Mutex
	m  map[string]cachedProfile
}

type cachedProfile struct {
	key  string
	body []byte
}

// profileCacheMax bounds the entries; past it the cache starts afresh.
const profileCacheMax = 2000

func cacheKey(version string, now time.Time) string {
	return version + "@" + now.UTC().Truncate(time.Minute).Format(time.RFC3339)
}

func (pc *profileCache) get(handle, key string) ([]byte, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.m[handle]
	if !ok || e.key != key {
		return nil, false
	}
	return e.body, true
}

func (pc *profileCache) put(handle, key string, body []byte) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.m == nil || len(pc.m) >= profileCacheMax {
		pc.m = map[string]cachedProfile{}
	}
	pc.m[handle] = cachedProfile{key: key, body: body}
}
