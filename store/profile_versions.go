package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// On PostgreSQL every process keeps the public-profile versions it has
// read, and the database tells it when one changes: a trigger on profiles
// (migration 0013_profile_notify) sends NOTIFY satchel_profiles with the
// handle when the row, and so the version, changes, and each process
// LISTENs on one connection of its own and forgets that handle's version.
// A public page is then served without a round trip to the database,
// which on a busy fleet is most of what such a request costs.
//
// The version a process serves is never older than the last notification
// it has received: a change made through another process shows as soon as
// PostgreSQL delivers the notice, right after the change commits; a change
// made through this process shows at once, as it forgets every version
// when it writes anything (rebindConnector in postgres.go). While
// the listening connection is down (the database restarted, the network
// dropped), nothing is kept and every lookup asks the database, as SQLite
// does; on reconnecting the process starts afresh.

const (
	profileChannel = "satchel_profiles"
	// versionsMax bounds the kept versions; past it the map starts afresh.
	versionsMax = 10_000
	// listenIdle is how long the listener waits for a notice before it
	// checks that its connection still answers, so that a connection lost
	// without a word (a network partition) is noticed within about
	// listenIdle + listenPing.
	listenIdle = 10 * time.Second
	listenPing = 5 * time.Second
)

// versionCache is the kept versions and the listener's state. gen counts
// every event that may make a version read from the database stale (a
// notice, a reconnection), so that a lookup that read the database before
// such an event does not keep what it read.
type versionCache struct {
	mu   sync.Mutex
	live bool   // the listener is connected and listening
	pid  uint32 // the listening connection's server process, for tests
	gen  uint64
	m    map[string]string

	start sync.Once
	stop  context.CancelFunc
	done  chan struct{}
}

// lookup returns the kept version of handle, or false and the generation
// to pass to keep after reading the database.
func (vc *versionCache) lookup(handle string) (string, uint64, bool) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	v, ok := vc.m[handle]
	return v, vc.gen, ok && vc.live
}

// keep remembers version for handle if the listener is live and nothing
// happened since the lookup that returned gen.
func (vc *versionCache) keep(handle, version string, gen uint64) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if !vc.live || vc.gen != gen {
		return
	}
	if vc.m == nil || len(vc.m) >= versionsMax {
		vc.m = map[string]string{}
	}
	vc.m[handle] = version
}

// forget drops handle's version after a notice.
func (vc *versionCache) forget(handle string) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.gen++
	delete(vc.m, handle)
}

// wrote drops every version after this process changed data: the
// database's notice of the change would come a moment later, and a
// request in between must not be served the old version.
func (vc *versionCache) wrote() {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.gen++
	vc.m = nil
}

// reset drops every version, for a listener that (re)connected (pid is
// its server process) or lost its connection (pid 0).
func (vc *versionCache) reset(pid uint32) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	vc.gen++
	vc.live = pid != 0
	vc.pid = pid
	vc.m = nil
}

// listener is the listening connection's server process, 0 while there is
// none, for tests.
func (vc *versionCache) listener() uint32 {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return vc.pid
}

// watchProfiles starts the listener the first time a version is asked for, so
// that a process (or test) that serves no public page holds no extra
// connection.
func (db *DB) watchProfiles() {
	vc := db.versions
	vc.start.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		vc.stop = cancel
		vc.done = make(chan struct{})
		go func() {
			defer close(vc.done)
			db.listenProfiles(ctx)
		}()
	})
}

// close stops the listener, if it started, and waits for it.
func (vc *versionCache) close() {
	vc.start.Do(func() {}) // no listener may start after this
	if vc.stop != nil {
		vc.stop()
		<-vc.done
	}
}

// listenProfiles keeps a LISTEN connection open until ctx ends,
// reconnecting after a pause that grows from one second to thirty.
func (db *DB) listenProfiles(ctx context.Context) {
	pause := time.Second
	for ctx.Err() == nil {
		heard, _ := db.listenOnce(ctx)
		db.versions.reset(0)
		if heard {
			pause = time.Second
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// listenOnce connects, listens and applies notices until the connection
// fails or ctx ends. heard says whether it got as far as listening.
func (db *DB) listenOnce(ctx context.Context) (heard bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, db.pgConfig.ConnectTimeout)
	conn, err := pgx.ConnectConfig(cctx, db.pgConfig)
	cancel()
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+profileChannel); err != nil {
		return false, err
	}
	// Versions read before this point may have changed unheard.
	db.versions.reset(conn.PgConn().PID())
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			db.versions.forget(n.Payload)
			continue
		case ctx.Err() != nil:
			return true, ctx.Err()
		case !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded):
			return true, err
		}
		// Quiet for listenIdle: make sure the connection still answers.
		pctx, cancel := context.WithTimeout(ctx, listenPing)
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return true, err
		}
	}
}
