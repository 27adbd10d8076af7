package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Allow counts one request of key (e.g. a client IP) in bucket (e.g.
// "verify") and reports whether it stays within limit requests per window.
// When it does not, the request is not counted and retryAfter says how long
// to wait before one would be allowed (if nothing else arrives meanwhile).
//
// The counts live in the database, so every Satchel process sharing it
// shares the limit. The window slides: the count of the current fixed
// window is added to the previous window's count weighted by how much of
// it still overlaps the last window-long span, so a burst at a window's
// end cannot be followed by a full second burst just after it.
func (db *DB) Allow(ctx context.Context, bucket, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	return db.AllowAt(ctx, bucket, key, limit, window, db.now())
}

// AllowAt is Allow at the given time, for callers with their own clock.
func (db *DB) AllowAt(ctx context.Context, bucket, key string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	if bucket == "" || limit <= 0 || window <= 0 {
		return false, 0, fmt.Errorf("store: rate limit %q: limit %d per %v is not a limit", bucket, limit, window)
	}
	w := int64(window)
	t := nanos(now)
	start := t - mod(t, w)
	elapsed := t - start

	// The previous window is over, so its count no longer changes: what it
	// carries into this one can be read first and the current window then
	// counted in one atomic statement.
	prev, cur, err := db.windowHits(ctx, bucket, key, w, start)
	if err != nil {
		return false, 0, fmt.Errorf("store: rate limit %q: %w", bucket, err)
	}
	room := int64(limit) - carried(prev, elapsed, w)
	if room <= cur {
		return false, waitFor(int64(limit), prev, cur, elapsed, w), nil
	}

	// Count this request only while the window has room. When it has
	// none, the WHERE leaves the row alone and nothing is returned. This
	// statement is the same in SQLite and PostgreSQL.
	var hits int64
	err = db.writer.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, key, window_ns, window_start, hits, expires_at)
		VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (bucket, key, window_ns, window_start)
		DO UPDATE SET hits = rate_limits.hits + 1 WHERE rate_limits.hits < ?
		RETURNING hits`,
		bucket, key, w, start, start+2*w, room).Scan(&hits)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Others filled the window since it was read.
		if _, c, err := db.windowHits(ctx, bucket, key, w, start); err == nil {
			cur = c
		}
		return false, waitFor(int64(limit), prev, max(cur, room), elapsed, w), nil
	case err != nil:
		return false, 0, fmt.Errorf("store: rate limit %q: count: %w", bucket, err)
	}
	if hits == 1 {
		// A new window began for this key: a cheap moment to drop the
		// windows that no longer count for anyone. A failure costs only
		// space, and the next new window tries again.
		_, _ = db.writer.ExecContext(ctx, "DELETE FROM rate_limits WHERE expires_at <= ?", t)
	}
	return true, 0, nil
}

// windowHits reads the counts of the previous window and of the one that
// starts at start.
func (db *DB) windowHits(ctx context.Context, bucket, key string, w, start int64) (prev, cur int64, err error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT window_start, hits FROM rate_limits
		WHERE bucket = ? AND key = ? AND window_ns = ? AND window_start IN (?, ?)`,
		bucket, key, w, start-w, start)
	if err != nil {
		return 0, 0, fmt.Errorf("read windows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ws, hits int64
		if err := rows.Scan(&ws, &hits); err != nil {
			return 0, 0, fmt.Errorf("read windows: %w", err)
		}
		if ws == start {
			cur = hits
		} else {
			prev = hits
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("read windows: %w", err)
	}
	return prev, cur, nil
}

// carried is the part of the previous window's count that still falls in
// the last window-long span, rounded up.
func carried(prev, elapsed, w int64) int64 {
	if prev <= 0 {
		return 0
	}
	return int64(math.Ceil(float64(prev) * float64(w-elapsed) / float64(w)))
}

// waitFor is how long after now (elapsed into a window holding cur hits,
// after one holding prev) the next request would be allowed, if no other
// request is counted meanwhile. It is at least one nanosecond.
func waitFor(limit, prev, cur, elapsed, w int64) time.Duration {
	// Allowed at elapsed e when cur + carried(prev, e) <= limit-1, i.e.
	// prev*(w-e)/w <= limit-1-cur.
	at := func(prev, cur int64) (int64, bool) {
		r := limit - 1 - cur
		if r < 0 {
			return 0, false
		}
		if prev <= r {
			return 0, true
		}
		return w - int64(math.Floor(float64(r)*float64(w)/float64(prev))), true
	}
	var d int64
	if e, ok := at(prev, cur); ok {
		d = e - elapsed
	} else {
		// Not in this window: in the next one, this window is the
		// previous one and the current is empty.
		e, _ := at(cur, 0)
		d = w - elapsed + e
	}
	return time.Duration(max(d, 1))
}

// mod is the non-negative remainder, so times before 1970 still fall in
// the window that contains them.
func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
