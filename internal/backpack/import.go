package backpack

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

const (
	// ImportBudget bounds one import's work with issuers (a form's items
	// or an archive); it stays under the HTTP server's write timeout so the
	// answer still gets out. Each fetch within it also keeps to the guarded
	// client's own limits.
	ImportBudget = 50 * time.Second
	// importParallel items of one import are checked at once.
	importParallel = 3
)

// Item is one thing to import: a file's bytes, a badge's web address or
// pasted badge data.
type Item struct {
	Source string // how the learner recognises it: the file name, "The web address …"
	Name   string // the original file name, if any
	Data   []byte
	// Refused, when set, turns the item away before it is read (the caller
	// found it too large, say), with this message.
	Refused string
	// RefusedSays is Refused as catalog messages, when it has them.
	RefusedSays []i18n.Phrase
	// From, when set, is the connected platform that pushed the item
	// (see Push): only a badge that verifies is kept, marked as its.
	From *Sender
}

// Outcome is what an import did with an item.
type Outcome string

const (
	Added     Outcome = "added"
	Replaced  Outcome = "replaced" // a newer 3.0 credential replaced the one kept
	Duplicate Outcome = "duplicate"
	Refused   Outcome = "refused"
)

// ImportResult is the outcome of one item, in words for the learner.
type ImportResult struct {
	Source    string
	Outcome   Outcome
	BadgeID   string // the badge's public id, when it is in the backpack
	BadgeName string
	Status    store.BadgeStatus // of the badge kept ("" when refused or a duplicate)
	Message   string
	// Details are the failed checks' messages of a refused badge.
	Details []string
	// Says is Message as catalog messages, and DetailSays each detail's
	// (see MessageIn, DetailsIn); empty when it can be said in English only.
	Says       []i18n.Phrase
	DetailSays [][]i18n.Phrase
	// AddEmail: the badge was issued to an email address the learner has
	// not verified; adding it would let the badge in.
	AddEmail bool
}

// Import reads, verifies and stores each item for the learner, a few at a
// time, within ImportBudget, and says what happened to each, in order.
// Every item counts against the learner's hourly allowance; an item over it
// is refused. Only a failure of the store itself is an error.
func (s *Service) Import(ctx context.Context, userID int64, items []Item) ([]ImportResult, error) {
	ctx, cancel := context.WithTimeout(ctx, ImportBudget)
	defer cancel()
	ids, err := s.db.VerifiedIdentifiers(ctx, userID)
	if err != nil {
		return nil, err
	}
	items = append([]Item(nil), items...)
	for i := range items {
		if items[i].Refused != "" {
			continue
		}
		w, err := s.importLimit(ctx, userID)
		if err != nil {
			return nil, err
		}
		items[i].Refused, items[i].RefusedSays = w.text, w.says
	}
	outs := make([]ImportResult, len(items))
	var wg sync.WaitGroup
	sem := make(chan struct{}, importParallel)
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outs[i] = s.importOne(ctx, userID, ids, it)
		}()
	}
	wg.Wait()
	return outs, nil
}

// importLimit counts one item against the learner's hourly allowance (kept
// in the database, so every Satchel process shares it). It returns a
// refusal message when the allowance is used up, "" otherwise.
func (s *Service) importLimit(ctx context.Context, userID int64) (words, error) {
	ok, retry, err := s.db.AllowAt(ctx, "import", fmt.Sprintf("user:%d", userID), s.limit, time.Hour, s.now())
	if err != nil || ok {
		return words{}, err
	}
	return limitWords(s.limit, retry.Round(time.Second)), nil
}

// importOne reads, verifies and stores one item. It never panics: an
// unexpected failure becomes a refusal with a generic message, logged.
func (s *Service) importOne(ctx context.Context, userID int64, ids []badge.Identifier, it Item) (out ImportResult) {
	log := s.logOf(ctx)
	out = ImportResult{Source: it.Source, Outcome: Refused}
	defer func() {
		if p := recover(); p != nil {
			log.Error("import panicked", "source", it.Source, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			out = ImportResult{Source: it.Source, Outcome: Refused}
			out.tell(say("refusal.unexpected"))
		}
	}()
	if it.Refused != "" {
		out.Message, out.Says = it.Refused, it.RefusedSays
		return out
	}
	if ctx.Err() != nil {
		out.tell(say("refusal.out_of_time"))
		return out
	}
	b, err := badge.Read(it.Data)
	if err != nil {
		out.tell(readError(err))
		return out
	}
	if !b.IsPointer() {
		if msg := notAward(b); msg.text != "" {
			out.tell(msg)
			return out
		}
	}
	rep := s.verifier.Verify(ctx, b, ids)
	out.BadgeName = b.Name
	if refused := refusal(b, rep, ids); refused != nil {
		refused.Source, refused.Outcome, refused.BadgeName = it.Source, Refused, b.Name
		return *refused
	}

	if it.From != nil {
		if w := notPushable(rep); w.text != "" {
			out.tell(w)
			return out
		}
	}
	if b.Name == "" && StatusOf(rep) == store.StatusRevoked {
		// Withdrawn before Satchel could learn even its name: nothing
		// worth keeping.
		out.tell(failedWords(rep, "revocation"))
		return out
	}

	notStored := say("refusal.not_stored")
	sb, err := s.storedBadge(b, rep, ids, it.Name)
	if err != nil {
		log.Error("import: encode badge", "err", err)
		out.tell(notStored)
		return out
	}
	sb.UserID = userID

	// Already there? Then nothing more to do (unless a 3.0 credential is newer).
	publicID, issued, found, err := s.db.BadgeWithKey(ctx, userID, sb.DedupeKey)
	if err != nil {
		log.Error("import: look up badge", "err", err)
		out.tell(notStored)
		return out
	}
	if found && !(b.Version == badge.V3_0 && sb.IssuedAt.After(issued)) {
		return duplicate(it.Source, b.Name, publicID)
	}

	sb.ImageID = s.storeImage(ctx, b)
	res, err := s.db.UpsertBadge(ctx, sb)
	if err != nil {
		log.Error("import: store badge", "err", err)
		out.tell(notStored)
		return out
	}
	out.BadgeID, out.Status = sb.PublicID, sb.Status
	if it.From != nil && res != store.Existing {
		if err := s.db.RecordPush(ctx, userID, sb.ID, it.From.ClientID, it.From.Name, s.now()); err != nil {
			// The badge is kept; only the announcement is lost.
			log.Error("import: record push", "err", err)
		}
	}
	var w words
	switch res {
	case store.Existing:
		return duplicate(it.Source, b.Name, sb.PublicID)
	case store.Replaced:
		out.Outcome = Replaced
		w = say("refusal.replaced")
	default:
		out.Outcome = Added
	}
	switch sb.Status {
	case store.StatusExpired:
		w = w.and(say("refusal.kept_expired").and(failedWords(rep, "expiry")))
	case store.StatusRevoked:
		w = w.and(say("refusal.kept_revoked").and(failedWords(rep, "revocation")))
	case store.StatusWarning:
		w = w.and(say("refusal.kept_warning"))
	case store.StatusUnconfirmed:
		w = w.and(say("refusal.kept_unconfirmed").and(headlineWords(rep)))
	}
	out.tell(w)
	return out
}

func duplicate(source, name, publicID string) ImportResult {
	out := ImportResult{Source: source, Outcome: Duplicate, BadgeName: name, BadgeID: publicID}
	out.tell(say("refusal.duplicate"))
	return out
}

// storeImage keeps the badge's picture: the baked image itself when the
// badge came as one, else its image (a data: URI decoded here, a web
// address fetched through the guarded client). A badge whose image cannot
// be had is still imported, without an image (0).
func (s *Service) storeImage(ctx context.Context, b *badge.Badge) int64 {
	log := s.logOf(ctx)
	var data []byte
	var info badgeimg.Info
	var err error
	if b.Format == badge.FormatPNG || b.Format == badge.FormatSVG {
		if info, err = badgeimg.Check(b.Original); err == nil {
			data = b.Original
		}
	}
	if data == nil && b.Image.URL != "" {
		data, info, err = badgeimg.Fetch(ctx, s.fetcher, b.Image.URL)
	}
	if data == nil {
		if err != nil {
			log.Info("import: badge image not kept", "err", err)
		}
		return 0
	}
	id, _, err := s.db.PutImage(ctx, data, info.ContentType, info.Width, info.Height)
	if err != nil {
		log.Error("import: store badge image", "err", err)
		return 0
	}
	return id
}

// readError turns a badge.Read error into a sentence.
func readError(err error) words {
	var m *badge.MalformedError
	switch {
	case errors.Is(err, badge.ErrNoBadgeData), errors.Is(err, badge.ErrNotBadge):
		return phrases(sentence(err.Error()), verify.ReadError(err))
	case errors.As(err, &m):
		return phrases(sentence(m.Error()), verify.ReadError(err))
	}
	return say("refusal.unreadable")
}

// notAward explains why a node that is not awarded to anyone (a badge's
// description, an issuer profile, an endorsement) cannot go in a backpack;
// nothing when b is an award.
func notAward(b *badge.Badge) words {
	switch {
	case b.Version == badge.V3_0 && b.Type == "EndorsementCredential":
		return say("refusal.endorsement")
	case b.Version == badge.V3_0:
		return words{}
	case b.OB2 != nil && b.OB2.Assertion != nil:
		return words{}
	case b.Type == "BadgeClass":
		return say("refusal.badgeclass")
	case b.Type == "Issuer" || b.Type == "Profile":
		return say("refusal.issuer_profile")
	}
	return say("refusal.not_award")
}

// refusal decides whether a verified badge is turned away, and why, in
// words a learner can act on. Expired and revoked badges are kept (marked),
// and so are badges whose signature is intact but whose issuer Satchel
// cannot confirm (marked "Signed, issuer not confirmed"); badges that are
// not genuine, that Satchel cannot check now, or that were not issued to
// one of the learner's verified identifiers are refused. The refusal names
// the most important failed check, in the verifier's fixed order
// (Report.Reason and Headline). It returns nil when the badge is kept.
func refusal(b *badge.Badge, rep *verify.Report, ids []badge.Identifier) *ImportResult {
	failed, failedSays := failures(rep)
	out := &ImportResult{}
	status := StatusOf(rep)
	if b.IsPointer() {
		// The web address did not give a badge: nothing to keep.
		w := say("refusal.pointer")
		if c := check(rep, "revocation"); c != nil && c.Status == verify.Failed {
			w = checkWords(c)
		} else if c := check(rep, "fetch"); c != nil && c.Status == verify.Failed {
			w = checkWords(c)
			if status == store.StatusUnverified {
				w = w.and(say("refusal.try_later"))
			}
		}
		out.tell(w)
		return out
	}
	if msg := notAward(b); msg.text != "" {
		out.tell(msg)
		return out
	}
	switch {
	case rep.Reason == verify.ReasonNotBadge || rep.Reason == verify.ReasonUnreadable:
		w := headlineWords(rep)
		if status == store.StatusUnverified {
			w = w.and(say("refusal.try_later"))
		}
		out.tell(w)
		return out
	case status == store.StatusUnverified:
		out.tell(say("refusal.unreachable"))
		out.Details, out.DetailSays = failed, failedSays
		return out
	case rep.Reason == verify.ReasonRecipient:
		return recipientRefusal(b, rep, ids)
	case rep.Reason == verify.ReasonKeyNotIssuer || rep.Reason == verify.ReasonSignature:
		out.tell(headlineWords(rep).and(say("refusal.ask_fresh_copy")))
		out.Details, out.DetailSays = failed, failedSays
		return out
	case status == store.StatusInvalid:
		out.tell(headlineWords(rep).and(say("refusal.not_genuine")))
		out.Details, out.DetailSays = failed, failedSays
		return out
	}
	return recipientRefusal(b, rep, ids)
}

// recipientRefusal refuses a badge that was not issued to one of the
// learner's verified identifiers. It names the kind of identifier, never
// its value or hash.
func recipientRefusal(b *badge.Badge, rep *verify.Report, ids []badge.Identifier) *ImportResult {
	c := check(rep, "recipient")
	if c == nil || c.Status == verify.Passed {
		return nil
	}
	kinds := badge.RecipientTypes(b)
	email := false
	for _, t := range kinds {
		if t == "email" {
			email = true
		}
	}
	out := &ImportResult{AddEmail: email}
	switch {
	case len(kinds) == 0:
		out.tell(say("refusal.no_recipient"))
	case len(ids) == 0 && email:
		out.tell(issuedTo(say("refusal.no_verified_email"), b))
	case email:
		out.tell(issuedTo(say("refusal.unverified_address"), b))
	default:
		out.tell(issuedTo(say("refusal.not_email"), b))
	}
	return out
}

func check(rep *verify.Report, id string) *verify.Check {
	for i := range rep.Checks {
		if rep.Checks[i].ID == id {
			return &rep.Checks[i]
		}
	}
	return nil
}

// failures lists the messages of the failed checks, each once, and the
// catalog messages of each.
func failures(rep *verify.Report) ([]string, [][]i18n.Phrase) {
	var out []string
	var says [][]i18n.Phrase
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status == verify.Failed && c.ID != "recipient" && !seen[c.Message] {
			seen[c.Message] = true
			out = append(out, c.Message)
			says = append(says, c.Says)
		}
	}
	return out, says
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
