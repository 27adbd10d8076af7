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
	"strconv"
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
			rep.add("internal", Failed, say("check.internal.panic"),
				fmt.Sprintf("panic: %v\n%s", p, firstLines(string(debug.Stack()), 12)))
		}
		rep.Finish()
		if v.opts.Observe != nil {
			v.opts.Observe(rep.Standing(), time.Since(start))
		}
	}()
	if b == nil {
		rep.add("format", Failed, say("check.format.no_badge"), "nil badge")
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
		rep.add("format", Failed, readErrMsg(err), detail)
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

func (r *run) add(id string, s Status, m msg, detail string) { r.rep.add(id, s, m, detail) }

func (r *run) verify(b *badge.Badge, recipients []badge.Identifier) {
	if b.IsPointer() {
		if !r.resolvePointer(b) {
			return
		}
	}
	switch b.Version {
	case badge.V3_0:
		r.add("format", Passed, say("check.format.read_ob3").term("Format", formatTerm(b.Format)),
			fmt.Sprintf("format=%s version=%s type=%s", b.Format, b.Version, b.Type))
		r.ob3(b)
	case badge.V2_0, badge.V1_1, badge.V1_0, badge.V0_5:
		m := say("check.format.read_ob2_other", "Version", string(b.Version), "Type", b.Type)
		if node, ok := nodeTerm(b.Type); ok {
			m = say("check.format.read_ob2", "Version", string(b.Version)).term("Node", node)
		}
		if b.Version != badge.V2_0 {
			m = say("check.format.read_older", "Version", string(b.Version))
		}
		r.add("format", Passed, m.term("Format", formatTerm(b.Format)), fmt.Sprintf("format=%s version=%s type=%s", b.Format, b.Version, b.Type))
		r.ob2(b)
	default:
		r.add("format", Failed, say("check.format.unknown_version"), fmt.Sprintf("version=%q", b.Version))
		return
	}
	r.recipient(b, recipients)
}

// resolvePointer fetches a badge given only as a URL and reads what is served.
func (r *run) resolvePointer(b *badge.Badge) bool {
	resp, err := r.get(b.URL, fetch.Any)
	if err != nil {
		r.addErr("fetch", Failed, say("check.fetch.failed").then(fetchMsg(err)), err, err.Error())
		return false
	}
	if resp.Status == 410 {
		r.add("fetch", Passed, say("check.fetch.address"), resp.URL)
		r.add("revocation", Failed, say("check.fetch.gone"), "HTTP 410 from "+resp.URL)
		return false
	}
	if resp.Status < 200 || resp.Status > 299 {
		r.add("fetch", Failed, say("check.fetch.status", "Status", strconv.Itoa(resp.Status)), resp.URL)
		return false
	}
	nb, err := badge.Read(resp.Body)
	if err != nil {
		r.add("fetch", Failed, say("check.fetch.unreadable", "Error", err.Error()), resp.URL)
		return false
	}
	if nb.IsPointer() {
		r.add("fetch", Failed, say("check.fetch.chain"), nb.URL)
		return false
	}
	r.add("fetch", Passed, say("check.fetch.ok"), resp.URL)
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
		r.add("recipient", Skipped, say("check.recipient.skipped"), "")
		return
	}
	if id, ok := badge.MatchRecipient(b, recipients); ok {
		r.add("recipient", Passed, say("check.recipient.passed", "Value", id.Value, "Type", id.Type), "")
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
		r.add("recipient", Warning, issuedTo(say("check.recipient.not_comparable"), b),
			fmt.Sprintf("recipient types %v; given %v", types, given))
		return
	}
	r.add("recipient", Failed, issuedTo(say("check.recipient.someone_else"), b),
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

// nodeTerm is the message naming an Open Badges 2.0 node of type t.
func nodeTerm(t string) (id string, known bool) {
	switch t {
	case "Assertion", "":
		return "check.term.node_assertion", true
	case "BadgeClass":
		return "check.term.node_badgeclass", true
	case "Issuer", "Profile":
		return "check.term.node_issuer", true
	case "Endorsement":
		return "check.term.node_endorsement", true
	}
	return "", false
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
func (r *run) addErr(id string, s Status, m msg, err error, detail string) {
	r.rep.Checks = append(r.rep.Checks, Check{ID: id, Status: s, Message: m.text(), Says: m, Detail: detail, Transient: s == Failed && transient(err)})
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
