// Package backpack holds Satchel's use cases: importing badges (one at a
// time or a whole archive), checking them again (on request or in the
// background), building an export and the rules of collections. It knows
// no HTTP: web reads a request, calls one method here and renders what it
// returns; the CLI or a worker can call the same methods.
//
// The store, the verifier and the image fetcher come in as the small
// interfaces below; *store.DB, *verify.Verifier and *fetch.Client satisfy
// them.
package backpack

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// Store is what the use cases ask of the database.
type Store interface {
	VerifiedIdentifiers(ctx context.Context, userID int64) ([]badge.Identifier, error)
	BadgeWithKey(ctx context.Context, userID int64, dedupeKey string) (publicID string, issuedAt time.Time, found bool, err error)
	UpsertBadge(ctx context.Context, b *store.Badge) (store.UpsertResult, error)
	PutImage(ctx context.Context, data []byte, contentType string, width, height int) (id int64, hash string, err error)
	AllowAt(ctx context.Context, bucket, key string, limit int, window time.Duration, now time.Time) (ok bool, retryAfter time.Duration, err error)
	RecordPush(ctx context.Context, userID, badgeID, clientID int64, clientName string, now time.Time) error

	ExportData(ctx context.Context, userID int64) (*store.UserExport, error)
	ImportArchive(ctx context.Context, userID int64, in store.ArchiveImport) (store.ArchiveResult, error)

	ClaimDueBadges(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Claim, error)
	RecordReverify(ctx context.Context, c store.Claim, r store.Reverification) (store.ReverifyOutcome, error)
	RecordCheck(ctx context.Context, badgeID int64, report []byte, status store.BadgeStatus, checkedAt, nextCheckAt time.Time) error
	ExpireBadges(ctx context.Context, now time.Time, limit int) ([]store.Expired, error)
	// PruneOAuth deletes connection requests and tokens no longer usable.
	PruneOAuth(ctx context.Context, now time.Time) error
}

// Verifier checks a badge against the learner's verified identifiers.
type Verifier interface {
	Verify(ctx context.Context, b *badge.Badge, recipients []badge.Identifier) *verify.Report
}

// Deps are what a Service is built from.
type Deps struct {
	Store    Store
	Verifier Verifier
	// Fetcher downloads badge images from issuers; nil keeps only images
	// that come with the badge (baked or data: URIs).
	Fetcher badgeimg.Fetcher
	Log     *slog.Logger // nil discards
	Now     func() time.Time
	// RecheckAfter is when a newly imported badge is first verified again.
	// Zero means DefaultRecheck.
	RecheckAfter time.Duration
	// ImportLimit caps the items one learner may import per hour (each may
	// make Satchel fetch from issuers). Zero means DefaultImportLimit.
	ImportLimit int
	// Generator names this Satchel in exports ("Satchel badges.example").
	Generator string
}

// Defaults of Deps.
const (
	DefaultRecheck     = 24 * time.Hour
	DefaultImportLimit = 300
)

// Service runs the use cases. Its methods are safe for concurrent use.
type Service struct {
	db       Store
	verifier Verifier
	fetcher  badgeimg.Fetcher
	log      *slog.Logger
	now      func() time.Time
	recheck  time.Duration
	limit    int
	gen      string
}

// New returns the service for deps.
func New(deps Deps) (*Service, error) {
	if deps.Store == nil || deps.Verifier == nil {
		return nil, errors.New("backpack: New needs a Store and a Verifier")
	}
	s := &Service{db: deps.Store, verifier: deps.Verifier, fetcher: deps.Fetcher, log: deps.Log,
		now: deps.Now, recheck: deps.RecheckAfter, limit: deps.ImportLimit, gen: deps.Generator}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.recheck <= 0 {
		s.recheck = DefaultRecheck
	}
	if s.limit <= 0 {
		s.limit = DefaultImportLimit
	}
	return s, nil
}

type logKey struct{}

// WithLog returns ctx carrying log, which the use cases called with it log
// to (a request's logger, with its request id), instead of the service's.
func WithLog(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, logKey{}, log)
}

func (s *Service) logOf(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(logKey{}).(*slog.Logger); ok && l != nil {
		return l
	}
	return s.log
}

// StatusOf is the status a stored badge shows of a report. The verifier
// decides it (verify.Report.Standing, from typed verdicts and reasons); the
// store records the value.
func StatusOf(rep *verify.Report) store.BadgeStatus {
	return store.BadgeStatus(rep.Standing())
}

// storedBadge is the one mapping from a verified badge to the row the store
// keeps: the badge, who it was matched to, its report and status, and when
// to check it again. The caller sets the owner and where it came from.
func (s *Service) storedBadge(b *badge.Badge, rep *verify.Report, ids []badge.Identifier, originalName string) (*store.Badge, error) {
	sb, err := store.NewBadge(b)
	if err != nil {
		return nil, err
	}
	sb.OriginalName = originalName
	sb.OriginalType = originalType(b.Format)
	if id, ok := badge.MatchRecipient(b, ids); ok {
		sb.MatchedType, sb.MatchedValue = id.Type, id.Value
	}
	if sb.ReportJSON, err = json.Marshal(rep); err != nil {
		return nil, err
	}
	sb.Status = StatusOf(rep)
	sb.CheckedAt = rep.RanAt
	sb.NextCheckAt = rep.RanAt.Add(s.recheck)
	return sb, nil
}

func originalType(f badge.Format) string {
	switch f {
	case badge.FormatPNG:
		return "image/png"
	case badge.FormatSVG:
		return "image/svg+xml"
	case badge.FormatJSON:
		return "application/json"
	case badge.FormatURL:
		return "text/uri-list"
	}
	return "text/plain"
}

// WaitWords says a wait in words: "30 seconds", "a minute", "4 minutes".
func WaitWords(d time.Duration) string {
	switch {
	case d <= time.Second:
		return "a second"
	case d < time.Minute:
		return strconv.Itoa(int(math.Ceil(d.Seconds()))) + " seconds"
	case d <= time.Minute:
		return "a minute"
	}
	return strconv.Itoa(int(math.Ceil(d.Minutes()))) + " minutes"
}
