package verify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/jsonv"
)

// Fetcher is what the verifier needs from the guarded HTTP client
// (*fetch.Client); tests may pass a fake.
type Fetcher interface {
	Get(ctx context.Context, url string, kind fetch.Kind) (*fetch.Response, error)
}

// Options configure a Verifier.
type Options struct {
	// Now gives the current time (default time.Now); dates are judged against it.
	Now func() time.Time
	// Timeout bounds one whole verification, every fetch included (default 45 s).
	Timeout time.Duration
	// Observe, if set, is told each verification's outcome (the status it
	// gives the badge, Report.Standing) and how long it took: the metrics.
	Observe func(outcome string, took time.Duration)
}

// DefaultTimeout bounds one verification when Options.Timeout is zero.
const DefaultTimeout = 45 * time.Second

// maxDepth bounds how deep endorsements of endorsements are followed.
const maxDepth = 2

// Verifier checks badges. It is safe for concurrent use; each Verify call has
// its own fetch memo.
type Verifier struct {
	f    Fetcher
	opts Options
}

// New returns a Verifier that fetches through f.
func New(f Fetcher, opts Options) *Verifier {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Verifier{f: f, opts: opts}
}

// Verify checks b and explains the verdict as an ordered list of checks. It
// fills fields of b that are only referenced (a hosted assertion, its
// BadgeClass and Issuer) as it fetches them. With no recipients the
// recipient check is skipped. Each URL is fetched at most once per call.
// Verify never panics: an unexpected failure becomes a failed check.
func (v *Verifier) Verify(ctx context.Context, b *badge.Badge, recipients []badge.Identifier) (rep *Report) {
	rep = &Report{RanAt: v.opts.Now().UTC()}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, v.opts.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			rep.Add("internal", Failed,
				"Satchel ran into an unexpected problem while checking this badge, so it cannot confirm it is genuine.",
				fmt.Sprintf("panic: %v\n%s", p, firstLines(string(debug.Stack()), 12)))
		}
		rep.Finish()
		if v.opts.Observe != nil {
			v.opts.Observe(rep.Standing(), time.Since(start))
		}
	}()
	if b == nil {
		rep.Add("format", Failed, "There is no badge to check.", "nil badge")
		return rep
	}
	r := v.newRun(ctx, rep)
	r.verify(b, recipients)
	return rep
}

// VerifyBytes reads data (a baked image, JSON, a JWS or a URL) with badge.Read
// and verifies it. When the data is not a badge the report has one failed
// "format" check and the returned badge is nil; err is then the reading error
// (badge.ErrNotBadge, badge.ErrNoBadgeData or a *badge.MalformedError).
func (v *Verifier) VerifyBytes(ctx context.Context, data []byte, recipients []badge.Identifier) (*badge.Badge, *Report, error) {
	b, err := badge.Read(data)
	if err != nil {
		rep := &Report{RanAt: v.opts.Now().UTC()}
		detail := ""
		var m *badge.MalformedError
		if errors.As(err, &m) {
			detail = m.Detail()
		}
		rep.Add("format", Failed, sentence(err.Error()), detail)
		if errors.Is(err, badge.ErrNotBadge) || errors.Is(err, badge.ErrNoBadgeData) {
			rep.Checks[0].Reason = ReasonNotBadge
		}
		rep.Finish()
		return nil, rep, err
	}
	return b, v.Verify(ctx, b, recipients), nil
}

// run is the state of one verification.
type run struct {
	v     *Verifier
	ctx   context.Context
	rep   *Report
	memo  *memo
	now   time.Time
	depth int
}

func (v *Verifier) newRun(ctx context.Context, rep *Report) *run {
	return &run{v: v, ctx: ctx, rep: rep, memo: &memo{f: v.f, m: map[string]memoEntry{}}, now: v.opts.Now().UTC()}
}

// sub starts a nested verification (an endorsement) that shares the memo.
func (r *run) sub() *run {
	return &run{v: r.v, ctx: r.ctx, rep: &Report{RanAt: r.rep.RanAt}, memo: r.memo, now: r.now, depth: r.depth + 1}
}

func (r *run) add(id string, s Status, msg, detail string) { r.rep.Add(id, s, msg, detail) }

func (r *run) verify(b *badge.Badge, recipients []badge.Identifier) {
	if b.IsPointer() {
		if !r.resolvePointer(b) {
			return
		}
	}
	switch b.Version {
	case badge.V3_0:
		r.add("format", Passed, fmt.Sprintf("Read %s holding an Open Badges 3.0 credential.", describeFormat(b.Format)),
			fmt.Sprintf("format=%s version=%s type=%s", b.Format, b.Version, b.Type))
		r.ob3(b)
	case badge.V2_0, badge.V1_1, badge.V1_0, badge.V0_5:
		msg := fmt.Sprintf("Read %s holding an Open Badges %s %s.", describeFormat(b.Format), b.Version, nodeWord(b.Type))
		if b.Version != badge.V2_0 {
			msg = fmt.Sprintf("Read %s holding an older Open Badges %s badge; Satchel upgraded it to 2.0 to check it.", describeFormat(b.Format), b.Version)
		}
		r.add("format", Passed, msg, fmt.Sprintf("format=%s version=%s type=%s", b.Format, b.Version, b.Type))
		r.ob2(b)
	default:
		r.add("format", Failed, "Satchel could not tell which Open Badges version this is.", fmt.Sprintf("version=%q", b.Version))
		return
	}
	r.recipient(b, recipients)
}

// resolvePointer fetches a badge given only as a URL and reads what is served.
func (r *run) resolvePointer(b *badge.Badge) bool {
	resp, err := r.get(b.URL, fetch.Any)
	if err != nil {
		r.addErr("fetch", Failed, "Satchel could not fetch the badge from its web address. "+fetchMessage(err), err, err.Error())
		return false
	}
	if resp.Status == 410 {
		r.add("fetch", Passed, "Fetched the badge address.", resp.URL)
		r.add("revocation", Failed, "The issuer has withdrawn (revoked) this badge: its address answers \"410 Gone\".", "HTTP 410 from "+resp.URL)
		return false
	}
	if resp.Status < 200 || resp.Status > 299 {
		r.add("fetch", Failed, fmt.Sprintf("The badge's web address did not give a badge (the server answered %d).", resp.Status), resp.URL)
		return false
	}
	nb, err := badge.Read(resp.Body)
	if err != nil {
		r.add("fetch", Failed, "The badge's web address did not give a readable badge: "+err.Error(), resp.URL)
		return false
	}
	if nb.IsPointer() {
		r.add("fetch", Failed, "The badge's web address only points to another address; Satchel does not follow chains of badge addresses.", nb.URL)
		return false
	}
	r.add("fetch", Passed, "Fetched the badge from its web address.", resp.URL)
	adopt(b, nb, b.URL)
	return true
}

// adopt replaces b's content with nb (what an issuer serves) but keeps what
// the learner brought.
func adopt(b, nb *badge.Badge, u string) {
	orig, format := b.Original, b.Format
	*b = *nb
	b.Original, b.Format = orig, format
	if b.URL == "" {
		b.URL = u
	}
}

func (r *run) recipient(b *badge.Badge, recipients []badge.Identifier) {
	if r.depth > 0 {
		return
	}
	if b.Version == badge.V3_0 && b.Type == "EndorsementCredential" {
		return
	}
	if b.Version != badge.V3_0 && (b.OB2 == nil || b.OB2.Assertion == nil) {
		return // a BadgeClass, Issuer or other node is not awarded to anyone
	}
	if len(recipients) == 0 {
		r.add("recipient", Skipped, "Recipient not checked: no verified email address, web address or phone number was given to compare with.", "")
		return
	}
	if id, ok := badge.MatchRecipient(b, recipients); ok {
		r.add("recipient", Passed, fmt.Sprintf("The badge was issued to %s (%s).", id.Value, id.Type), "")
		return
	}
	types := badge.RecipientTypes(b)
	comparable := false
	var given []string
	for _, id := range recipients {
		given = append(given, id.Type)
		if slices.Contains(types, strings.ToLower(id.Type)) {
			comparable = true
		}
	}
	if !comparable {
		r.add("recipient", Warning, fmt.Sprintf("Satchel cannot confirm this badge is yours: it was issued to %s, and none of the verified identifiers given is of that kind.", badge.IssuedTo(b)),
			fmt.Sprintf("recipient types %v; given %v", types, given))
		return
	}
	r.add("recipient", Failed, fmt.Sprintf("This badge was issued to someone else: it was issued to %s that matches none of the verified identifiers given.", badge.IssuedTo(b)),
		fmt.Sprintf("recipient types %v; given %v", types, given))
}

// --- fetch memo ---

type memoEntry struct {
	resp *fetch.Response
	err  error
}

// memo fetches each URL at most once per verification. It also satisfies
// keys.Fetcher so key resolution shares it.
type memo struct {
	f  Fetcher
	mu sync.Mutex
	m  map[string]memoEntry
	n  int // real fetches, for tests
}

func (m *memo) Get(ctx context.Context, rawURL string, kind fetch.Kind) (*fetch.Response, error) {
	key := stripFragment(rawURL)
	m.mu.Lock()
	defer m.mu.Unlock() // fetches are sequential within one verification
	if e, ok := m.m[key]; ok {
		return e.resp, e.err
	}
	if m.f == nil {
		err := errors.New("verify: no fetcher configured")
		m.m[key] = memoEntry{err: err}
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.n++
	resp, err := m.f.Get(ctx, key, kind)
	if err == nil && resp == nil {
		err = errors.New("verify: fetcher returned no response")
	}
	m.m[key] = memoEntry{resp: resp, err: err}
	return resp, err
}

func (r *run) get(u string, kind fetch.Kind) (*fetch.Response, error) {
	return r.memo.Get(r.ctx, u, kind)
}

// getJSON fetches u and decodes a JSON object; status is the HTTP status
// (0 when the fetch itself failed).
func (r *run) getJSON(u string) (map[string]any, *fetch.Response, error) {
	resp, err := r.get(u, fetch.JSON)
	if err != nil {
		return nil, nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return nil, resp, &statusError{status: resp.Status, url: resp.URL}
	}
	m, err := jsonv.DecodeObjectText(resp.Body)
	if err != nil {
		return nil, resp, fmt.Errorf("not a JSON object: %w", err)
	}
	return m, resp, nil
}

type statusError struct {
	status int
	url    string
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d from %s", e.status, e.url) }

// fetchMessage explains a fetch failure to a learner, as a sentence.
func fetchMessage(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fe.Message()
	}
	var se *statusError
	if errors.As(err, &se) {
		switch se.status {
		case 404:
			return "The issuer's server says it does not exist (404)."
		case 410:
			return "The issuer's server says it is gone (410)."
		}
		return fmt.Sprintf("The issuer's server answered with status %d.", se.status)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "Checking took too long and was stopped."
	}
	return "It could not be fetched or read."
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func describeFormat(f badge.Format) string {
	switch f {
	case badge.FormatPNG:
		return "a baked PNG image"
	case badge.FormatSVG:
		return "a baked SVG image"
	case badge.FormatJWS:
		return "signed badge text (JWS)"
	case badge.FormatURL:
		return "a badge web address"
	default:
		return "badge data (JSON)"
	}
}

func nodeWord(t string) string {
	switch t {
	case "Assertion", "":
		return "assertion"
	case "BadgeClass":
		return "badge description (BadgeClass)"
	case "Issuer", "Profile":
		return "issuer profile"
	case "Endorsement":
		return "endorsement"
	}
	return "document of type " + t
}

// sentence starts s with a capital letter.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	if last := r[len(r)-1]; last != '.' && last != '!' && last != '?' {
		r = append(r, '.')
	}
	return string(r)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// addErr adds a check whose outcome err explains; a failure caused only by
// a server that could not be reached, or that answered with an error, is
// marked Transient.
func (r *run) addErr(id string, s Status, msg string, err error, detail string) {
	r.rep.Checks = append(r.rep.Checks, Check{ID: id, Status: s, Message: msg, Detail: detail, Transient: s == Failed && transient(err)})
}

// transient reports whether err is a server's trouble rather than the
// badge's: unreachable, too slow, unknown to DNS, a certificate that could
// not be checked, or an answer of 5xx or 429.
func transient(err error) bool {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		switch fe.Kind {
		case fetch.Unreachable, fetch.Timeout, fetch.NoSuchHost, fetch.BadCertificate:
			return true
		}
		return false
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.status >= 500 || se.status == 429
	}
	return errors.Is(err, context.DeadlineExceeded)
}
