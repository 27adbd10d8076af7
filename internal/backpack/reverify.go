package backpack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// verifyStored checks a stored badge again with its owner's verified
// identifiers now. The identifier the badge was claimed with counts even if
// the learner has since removed it: badges already claimed stay theirs.
// The badge is rebuilt as the learner brought it, so that the verifier
// fetches the hosted assertion, its BadgeClass and Issuer afresh
// (revocation and issuer changes) rather than trusting the copies stored.
// ours reports that the failure is Satchel's (the stored data could not be
// read), not the badge's; m is nil then.
func (s *Service) verifyStored(ctx context.Context, b *store.Badge) (rep *verify.Report, m *badge.Badge, ours bool, err error) {
	ids, err := s.db.VerifiedIdentifiers(ctx, b.UserID)
	if err != nil {
		return nil, nil, false, err
	}
	if b.MatchedValue != "" && !hasIdentifier(ids, b.MatchedType, b.MatchedValue) {
		ids = append(ids, badge.Identifier{Type: b.MatchedType, Value: b.MatchedValue})
	}
	if m, err = reverifiable(b); err != nil {
		s.logOf(ctx).Error("re-verification: stored badge unreadable", "badge", b.PublicID, "err", err)
		rep = &verify.Report{RanAt: s.now().UTC()}
		rep.Add("format", verify.Failed, "Satchel could not read this badge's stored data to check it again.", err.Error())
		rep.Finish()
		return rep, nil, true, nil
	}
	return s.verifier.Verify(ctx, m, ids), m, false, nil
}

func reverifiable(b *store.Badge) (*badge.Badge, error) {
	if len(b.Original) > 0 {
		if m, err := badge.Read(b.Original); err == nil {
			return m, nil
		}
	}
	return b.Model()
}

func hasIdentifier(ids []badge.Identifier, typ, value string) bool {
	for _, id := range ids {
		if id.Type == typ && strings.EqualFold(id.Value, value) {
			return true
		}
	}
	return false
}

// checkAgainRecheck is when a badge checked on request is due for the
// background job again, unless the job had it due later anyway.
const checkAgainRecheck = 24 * time.Hour

// CheckResult is what checking a badge on request found.
type CheckResult struct {
	Status store.BadgeStatus // what the check found
	// Transient: the issuer could not be reached, so the badge keeps its
	// last definite result (the attempt is only noted).
	Transient bool
}

// CheckBadge verifies the learner's badge again now, as they asked, and
// records the result. Like the background job, a check that cannot reach
// the issuer keeps the badge's last definite verdict.
func (s *Service) CheckBadge(ctx context.Context, b *store.Badge) (CheckResult, error) {
	rep, _, _, err := s.verifyStored(ctx, b)
	if err != nil {
		return CheckResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return CheckResult{}, fmt.Errorf("backpack: check badge %s: %w", b.PublicID, err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return CheckResult{}, fmt.Errorf("backpack: encode report: %w", err)
	}
	now := s.now()
	status := StatusOf(rep)
	next := b.NextCheckAt
	if next.Before(now.Add(checkAgainRecheck)) {
		next = now.Add(checkAgainRecheck)
	}
	res := store.Reverification{Report: js, Status: status, CheckedAt: now, NextCheckAt: next}
	if status == store.StatusUnverified && b.Status != store.StatusUnverified && len(b.ReportJSON) > 0 {
		res.Transient = true
		res.NextCheckAt = b.NextCheckAt
	}
	out, err := s.db.RecordReverify(ctx, store.Claim{Badge: b}, res)
	if err != nil {
		return CheckResult{}, err
	}
	if !out.Recorded {
		// The background job took the badge meanwhile; record this check
		// all the same, since the learner asked for it.
		if err := s.db.RecordCheck(ctx, b.ID, js, status, now, next); err != nil {
			return CheckResult{}, err
		}
	}
	s.logOf(ctx).Info("badge checked on request", "badge", b.PublicID, "status", string(status), "transient", res.Transient)
	return CheckResult{Status: status, Transient: res.Transient}, nil
}

// CheckPublic verifies a badge shown on a public page again, live, and
// stores nothing. The recipient is not compared (the learner's identifiers
// are private). A badge that would be valid but whose expiry date has
// passed shows as expired.
func (s *Service) CheckPublic(ctx context.Context, b *store.Badge, m *badge.Badge) (*verify.Report, store.BadgeStatus) {
	rep := s.verifier.Verify(ctx, m, nil)
	status := StatusOf(rep)
	if status == store.StatusValid || status == store.StatusWarning {
		if !b.ExpiresAt.IsZero() && !b.ExpiresAt.After(s.now()) {
			status = store.StatusExpired
		}
	}
	return rep, status
}

// ReverifyOptions configure the background re-verification job.
type ReverifyOptions struct {
	// Interval is how long a verdict stays fresh: each badge is verified
	// again this long after its last check. Required.
	Interval time.Duration
	// Poll is how often the job looks for due badges. Zero means
	// DefaultReverifyPoll (or Interval, when that is shorter).
	Poll time.Duration
	// Batch is how many badges one claim takes. Zero means
	// DefaultReverifyBatch.
	Batch int
	// Lease is how long a claimed badge stays reserved for this process
	// while it is checked; it must outlast Batch verifications (each bounded
	// by the verifier's timeout). Zero means Batch × verify.DefaultTimeout
	// plus a minute.
	Lease time.Duration
	// Once makes Start run a single pass and stop: how an upgrade re-checks
	// every stored badge when the background job is otherwise off.
	Once bool
	// OnPass, if set, is told what each background pass did (the metrics).
	OnPass func(ReverifyStats)
}

// Defaults of ReverifyOptions.
const (
	DefaultReverifyPoll  = time.Minute
	DefaultReverifyBatch = 8
	// expireBatch bounds one pass over badges whose expiry date has passed.
	expireBatch = 200
)

// Reverifier is the background job that keeps stored verdicts fresh: it
// marks badges whose expiry date has passed as expired (no fetch needed),
// and re-verifies each badge once its interval is up, with its owner's
// current verified identifiers. All its state is in the database (see
// store.ClaimDueBadges), so several processes can run it on one database.
type Reverifier struct {
	s    *Service
	opts ReverifyOptions

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// ReverifyStats counts what one pass did.
type ReverifyStats struct {
	Expired   int // marked expired without a fetch
	Checked   int // verified again, with a definite verdict
	Changed   int // of those (and the expired), whose status changed
	Transient int // could not reach the issuer; verdict kept, retried later
}

// NewReverifier returns the job for this service's store and verifier.
// Start runs it in the background; RunOnce runs one pass.
func (s *Service) NewReverifier(opts ReverifyOptions) (*Reverifier, error) {
	if opts.Interval <= 0 {
		return nil, fmt.Errorf("backpack: re-verification needs a positive interval, not %v", opts.Interval)
	}
	if opts.Poll <= 0 {
		opts.Poll = min(DefaultReverifyPoll, opts.Interval)
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultReverifyBatch
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Duration(opts.Batch)*verify.DefaultTimeout + time.Minute
	}
	return &Reverifier{s: s, opts: opts}, nil
}

// Start runs the job in a goroutine until Stop: a pass at once, then one
// every Poll.
func (r *Reverifier) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go r.loop(ctx, r.done)
	r.s.log.Info("background re-verification started", "interval", r.opts.Interval.String(), "poll", r.opts.Poll.String())
}

// Stop ends the job and waits for it: a verification in flight is
// cancelled and not recorded (its claim lapses, so the badge is checked
// again after the lease).
func (r *Reverifier) Stop() {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.cancel = nil
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (r *Reverifier) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(r.opts.Poll)
	defer t.Stop()
	for {
		st, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.s.log.Error("background re-verification", "err", err)
		}
		if st != (ReverifyStats{}) {
			r.s.log.Info("background re-verification pass", "expired", st.Expired, "checked", st.Checked, "changed", st.Changed, "could_not_verify", st.Transient)
		}
		if r.opts.OnPass != nil {
			r.opts.OnPass(st)
		}
		if r.opts.Once {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce runs one pass: it expires what has expired, then claims and
// checks due badges, batch after batch, until none is due or ctx ends.
func (r *Reverifier) RunOnce(ctx context.Context) (ReverifyStats, error) {
	var st ReverifyStats
	db, log := r.s.db, r.s.logOf(ctx)
	// Housekeeping on the same beat: expired connection requests and
	// tokens of connected platforms go.
	if err := db.PruneOAuth(ctx, r.s.now()); err != nil {
		log.Error("prune OAuth requests and tokens", "err", err)
	}
	for range 100 { // bounded; the next pass takes the rest
		expired, err := db.ExpireBadges(ctx, r.s.now(), expireBatch)
		if err != nil {
			return st, err
		}
		for _, e := range expired {
			log.Info("badge expired", "badge", e.PublicID, "user_id", e.UserID, "from", string(e.Previous))
		}
		st.Expired += len(expired)
		st.Changed += len(expired)
		if len(expired) < expireBatch {
			break
		}
	}
	for ctx.Err() == nil {
		claims, err := db.ClaimDueBadges(ctx, r.s.now(), r.opts.Lease, r.opts.Batch)
		if err != nil {
			return st, err
		}
		if len(claims) == 0 {
			break
		}
		for _, c := range claims {
			if ctx.Err() != nil {
				break
			}
			if err := r.check(ctx, c, &st); err != nil {
				return st, err
			}
		}
	}
	return st, nil
}

// check verifies one claimed badge again and records the result.
func (r *Reverifier) check(ctx context.Context, c store.Claim, st *ReverifyStats) error {
	b, log := c.Badge, r.s.logOf(ctx)
	rep, m, ours, err := r.s.verifyStored(ctx, b)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil // shutting down: the report says "stopped", not what the issuer says
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("backpack: encode report: %w", err)
	}
	now := r.s.now()
	res := store.Reverification{Report: js, Status: StatusOf(rep), CheckedAt: now, NextCheckAt: now.Add(r.opts.Interval)}
	// The verifier marks failures that were only a server in trouble
	// (unreachable, 5xx, 429): a passing outage must not turn a learner's
	// badge invalid until the next check.
	if res.Status == store.StatusUnverified || ours {
		res.Transient = true
		res.NextCheckAt = now.Add(r.backoff(c.Failures))
	}
	if !res.Transient && (res.Status == store.StatusValid || res.Status == store.StatusWarning) {
		// The issuer confirmed the badge: show what it says now.
		if nb, err := store.NewBadge(m); err == nil && nb.DedupeKey == b.DedupeKey {
			res.Refresh = nb
		}
	}
	out, err := r.s.db.RecordReverify(ctx, c, res)
	if err != nil {
		return err
	}
	switch {
	case !out.Recorded:
		log.Debug("re-verification result dropped: the badge changed meanwhile", "badge", b.PublicID)
	case res.Transient:
		st.Transient++
		log.Info("could not re-verify badge; keeping its verdict", "badge", b.PublicID, "user_id", b.UserID,
			"status", string(out.Previous), "failures", c.Failures+1, "retry_at", res.NextCheckAt.UTC().Format(time.RFC3339))
	default:
		st.Checked++
		if out.Changed {
			st.Changed++
			log.Info("badge status changed", "badge", b.PublicID, "user_id", b.UserID, "from", string(out.Previous), "to", string(res.Status))
		}
	}
	return nil
}

// backoff is how long to wait after failures+1 checks in a row could not
// reach the issuer: an eighth of the interval, doubling each time, at most
// four intervals.
func (r *Reverifier) backoff(failures int) time.Duration {
	d := r.opts.Interval / 8
	for range min(failures, 5) {
		d *= 2
	}
	return min(d, 4*r.opts.Interval)
}
