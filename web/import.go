package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

// Import limits.
const (
	// ImportMaxFileBytes caps one file; a badge image is rarely over 1 MB.
	ImportMaxFileBytes = 5 << 20
	// ImportMaxBodyBytes caps one import request (every file together).
	ImportMaxBodyBytes = 20 << 20
	// importMaxItems caps the items of one request, so one request's work
	// stays bounded.
	importMaxItems = 20
	// importParallel items of one request are checked at once.
	importParallel = 3
	// importBudget bounds one request's work with issuers; it stays under
	// the HTTP server's write timeout so the answer still gets out. Each
	// fetch within it also keeps to the guarded client's own limits.
	importBudget = 50 * time.Second
	// defaultRecheck is when an imported badge is checked again when
	// Options.RecheckAfter is zero.
	defaultRecheck = 24 * time.Hour
	// DefaultImportLimit is how many items one learner may import per
	// hour when Options.ImportLimit is zero.
	DefaultImportLimit = 300
)

// importLimit counts one item against the learner's hourly allowance (kept
// in the database, so every Satchel process shares it). It returns a
// refusal message when the allowance is used up, "" otherwise.
func (s *Server) importLimit(ctx context.Context, userID int64) (string, error) {
	limit := s.opts.ImportLimit
	if limit <= 0 {
		limit = DefaultImportLimit
	}
	ok, retry, err := s.db.AllowAt(ctx, "import", fmt.Sprintf("user:%d", userID), limit, time.Hour, s.now())
	if err != nil || ok {
		return "", err
	}
	return fmt.Sprintf("You have imported %d badges in the last hour, as many as Satchel takes at a time. Please try this one again in %s.",
		limit, waitWords(retry.Round(time.Second))), nil
}

func errImportTooLarge() *pageError {
	return &pageError{
		status: http.StatusRequestEntityTooLarge,
		title:  "Too much at once",
		message: fmt.Sprintf("Together these files are larger than %s, more than Satchel accepts in one go. "+
			"Import them in smaller groups; each badge file may be up to %s.", importSize(ImportMaxBodyBytes), importSize(ImportMaxFileBytes)),
	}
}

// importBodyLimit caps the import request and reads its form here, before
// the CSRF check does, so that a body over the cap is reported as such
// rather than as a missing token.
func importBodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > ImportMaxBodyBytes {
			return errImportTooLarge()
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, ImportMaxBodyBytes)
		var err error
		if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
			err = r.ParseMultipartForm(8 << 20) // the rest goes to temporary files, removed after the response
		} else {
			err = r.ParseForm()
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errImportTooLarge()
		}
		if err != nil {
			return &pageError{status: http.StatusBadRequest, title: "The upload was broken off",
				message: "Satchel could not read what was sent. Please try again.", err: fmt.Errorf("import: parse form: %w", err)}
		}
		return next(c)
	}
}

func (s *Server) importView() views.Import {
	return views.Import{MaxFile: importSize(ImportMaxFileBytes), MaxTotal: importSize(ImportMaxBodyBytes), MaxItems: importMaxItems, MaxFileBytes: ImportMaxFileBytes}
}

func (s *Server) handleImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportPage(s.shell(c, "Import badges"), s.importView()))
}

// importItem is one thing to import: a file, the web address or the pasted
// text.
type importItem struct {
	source string // how the learner recognises it: the file name, "The web address", …
	name   string // the original file name, if any
	data   []byte
	refuse string // set when it is refused before it is read (too large)
	field  string // "url" or "pasted" for those fields, "" for a file
}

// handleImport imports every item of the form and shows one outcome each.
// With "Accept: application/json" (import.js, one item per request) it
// answers with JSON that carries each outcome's HTML.
func (s *Server) handleImport(c echo.Context) error {
	u := currentUser(c)
	m := s.importView()
	m.URL = strings.TrimSpace(c.FormValue("url"))
	m.Pasted = strings.TrimSpace(c.FormValue("pasted"))
	items, errs := importItems(c, m.URL, m.Pasted)
	if len(errs) > 0 {
		m.Errors = errs
		if importWantsJSON(c) {
			return c.JSON(http.StatusUnprocessableEntity, map[string]any{"error": errs[0].Message})
		}
		return s.render(c, http.StatusUnprocessableEntity, views.ImportPage(s.shell(c, "Import badges"), m))
	}

	ctx, cancel := context.WithTimeout(c.Request().Context(), importBudget)
	defer cancel()
	ids, err := s.db.VerifiedIdentifiers(ctx, u.ID)
	if err != nil {
		return err
	}
	for i := range items {
		if items[i].refuse != "" {
			continue
		}
		msg, err := s.importLimit(ctx, u.ID)
		if err != nil {
			return err
		}
		items[i].refuse = msg
	}
	outs := make([]views.ImportOutcome, len(items))
	log := logger(c)
	var wg sync.WaitGroup
	sem := make(chan struct{}, importParallel)
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outs[i] = s.importOne(ctx, log, u.ID, ids, it)
		}()
	}
	wg.Wait()

	if importWantsJSON(c) {
		return s.importJSON(c, outs)
	}
	// Keep what was typed only when it did not go in, so it can be corrected.
	m.URL, m.Pasted = "", ""
	for i, it := range items {
		if outs[i].Result == views.ImportRefused {
			switch it.field {
			case "url":
				m.URL = string(it.data)
			case "pasted":
				m.Pasted = string(it.data)
			}
		}
	}
	m.Outcomes = outs
	return s.render(c, http.StatusOK, views.ImportPage(s.shell(c, "Import badges"), m))
}

// importItems collects the files, the web address and the pasted text.
func importItems(c echo.Context, rawURL, pasted string) ([]importItem, []components.FieldError) {
	var items []importItem
	var errs []components.FieldError
	if form := c.Request().MultipartForm; form != nil {
		for _, fh := range form.File["files"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty part a browser sends when no file was chosen
			}
			it, err := readImportFile(fh)
			if err != nil {
				return nil, []components.FieldError{{ID: "import-files", Message: "Satchel could not read " + it.source + ". Please choose it again."}}
			}
			items = append(items, it)
		}
	}
	if rawURL != "" {
		if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, components.FieldError{ID: "import-url", Message: "Enter the badge's full web address, starting with https://."})
		} else {
			items = append(items, importItem{source: "The web address " + rawURL, data: []byte(rawURL), field: "url"})
		}
	}
	if pasted != "" {
		it := importItem{source: "The pasted badge data", data: []byte(pasted), field: "pasted"}
		if len(pasted) > ImportMaxFileBytes {
			it.refuse = fmt.Sprintf("The pasted text is %s; Satchel accepts badge data up to %s. Paste one badge at a time.",
				importSize(int64(len(pasted))), importSize(ImportMaxFileBytes))
			it.data = nil
		}
		items = append(items, it)
	}
	if len(errs) == 0 && len(items) == 0 {
		errs = append(errs, components.FieldError{ID: "import-files", Message: "Choose a badge file, enter a badge's web address or paste badge data."})
	}
	if len(items) > importMaxItems {
		errs = append(errs, components.FieldError{ID: "import-files", Message: fmt.Sprintf("Choose at most %d files at a time; you chose %d.", importMaxItems, len(items))})
	}
	return items, errs
}

func readImportFile(fh *multipart.FileHeader) (importItem, error) {
	name := importFileName(fh.Filename)
	it := importItem{source: name, name: name}
	if fh.Size > ImportMaxFileBytes {
		it.refuse = fmt.Sprintf("This file is %s; Satchel accepts badge files up to %s. Badge images and files are usually much smaller: check that this is the badge the issuer sent you.",
			importSize(fh.Size), importSize(ImportMaxFileBytes))
		return it, nil
	}
	f, err := fh.Open()
	if err != nil {
		return it, err
	}
	defer f.Close()
	it.data, err = io.ReadAll(io.LimitReader(f, ImportMaxFileBytes+1))
	return it, err
}

// importFileName keeps the last path element of a browser-sent file name,
// without control characters, at most 200 bytes.
func importFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		name = strings.ToValidUTF8(name[:200], "")
	}
	if name == "" || name == "." || name == "/" {
		return "A file without a name"
	}
	return name
}

func importWantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

type importOutcomeJSON struct {
	Source  string `json:"source"`
	Result  string `json:"result"`
	Status  string `json:"status,omitempty"`
	Badge   string `json:"badge,omitempty"`
	Href    string `json:"href,omitempty"`
	Message string `json:"message,omitempty"`
	HTML    string `json:"html"`
}

func (s *Server) importJSON(c echo.Context, outs []views.ImportOutcome) error {
	ctx := views.WithCSRF(views.WithNonce(c.Request().Context(), nonce(c)), csrfToken(c))
	res := struct {
		Outcomes []importOutcomeJSON `json:"outcomes"`
	}{Outcomes: []importOutcomeJSON{}}
	for _, o := range outs {
		var buf bytes.Buffer
		if err := views.ImportOutcomeItem(o).Render(ctx, &buf); err != nil {
			return fmt.Errorf("web: render import outcome: %w", err)
		}
		res.Outcomes = append(res.Outcomes, importOutcomeJSON{Source: o.Source, Result: o.Result, Status: o.Status,
			Badge: o.BadgeName, Href: o.Href, Message: o.Message, HTML: buf.String()})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, res)
}

// importOne reads, verifies and stores one item. It never panics: an
// unexpected failure becomes a refusal with a generic message, logged.
func (s *Server) importOne(ctx context.Context, log *slog.Logger, userID int64, ids []badge.Identifier, it importItem) (out views.ImportOutcome) {
	out = views.ImportOutcome{Source: it.source, Result: views.ImportRefused}
	defer func() {
		if p := recover(); p != nil {
			log.Error("import panicked", "source", it.source, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			out = views.ImportOutcome{Source: it.source, Result: views.ImportRefused,
				Message: "Satchel ran into an unexpected problem with this one and did not import it. Please try again later."}
		}
	}()
	if it.refuse != "" {
		out.Message = it.refuse
		return out
	}
	if ctx.Err() != nil {
		out.Message = "Satchel used up the time it gives one import on the items before this one, so it did not check this one. Import it again on its own."
		return out
	}
	b, err := badge.Read(it.data)
	if err != nil {
		out.Message = importReadError(err)
		return out
	}
	if !b.IsPointer() {
		if msg := importNotAward(b); msg != "" {
			out.Message = msg
			return out
		}
	}
	rep := s.verifier.Verify(ctx, b, ids)
	out.BadgeName = b.Name
	if refused := importRefusal(b, rep, ids); refused != nil {
		refused.Source, refused.Result, refused.BadgeName = it.source, views.ImportRefused, b.Name
		return *refused
	}

	if b.Name == "" && store.StatusFromReport(rep) == store.StatusRevoked {
		// Withdrawn before Satchel could learn even its name: nothing
		// worth keeping.
		out.Message = importFailedMessage(rep, "revocation")
		return out
	}

	sb, err := store.NewBadge(b)
	if err != nil {
		log.Error("import: encode badge", "err", err)
		out.Message = "Satchel could not store this badge. Please try again later."
		return out
	}
	sb.UserID = userID
	sb.OriginalName = it.name
	sb.OriginalType = importOriginalType(b.Format)
	if id, ok := badge.MatchRecipient(b, ids); ok {
		sb.MatchedType, sb.MatchedValue = id.Type, id.Value
	}
	sb.ReportJSON, _ = json.Marshal(rep)
	sb.Status = store.StatusFromReport(rep)
	sb.CheckedAt = rep.RanAt
	sb.NextCheckAt = rep.RanAt.Add(s.recheckAfter())

	// Already there? Then nothing more to do (unless a 3.0 credential is newer).
	publicID, issued, found, err := s.db.BadgeWithKey(ctx, userID, sb.DedupeKey)
	if err != nil {
		log.Error("import: look up badge", "err", err)
		out.Message = "Satchel could not store this badge. Please try again later."
		return out
	}
	if found && !(b.Version == badge.V3_0 && sb.IssuedAt.After(issued)) {
		return importDuplicate(it.source, b.Name, publicID)
	}

	sb.ImageID = s.storeBadgeImage(ctx, log, b)
	res, err := s.db.UpsertBadge(ctx, sb)
	if err != nil {
		log.Error("import: store badge", "err", err)
		out.Message = "Satchel could not store this badge. Please try again later."
		return out
	}
	out.Href, out.Status = paths.Badge(sb.PublicID), string(sb.Status)
	switch res {
	case store.Existing:
		return importDuplicate(it.source, b.Name, sb.PublicID)
	case store.Replaced:
		out.Result = views.ImportReplaced
		out.Message = "A newer version of a badge already in your backpack: Satchel replaced the older one with it."
	default:
		out.Result = views.ImportAdded
	}
	switch sb.Status {
	case store.StatusExpired:
		out.Message = importJoin(out.Message, "It is kept in your backpack, marked as expired: "+importFailedMessage(rep, "expiry"))
	case store.StatusRevoked:
		out.Message = importJoin(out.Message, "It is kept in your backpack, marked as revoked: "+importFailedMessage(rep, "revocation"))
	case store.StatusWarning:
		out.Message = importJoin(out.Message, "It is genuine, with warnings; its page explains them.")
	case store.StatusUnconfirmed:
		out.Message = importJoin(out.Message, "It is kept in your backpack, marked \"Signed, issuer not confirmed\": "+rep.Headline)
	}
	return out
}

func importDuplicate(source, name, publicID string) views.ImportOutcome {
	return views.ImportOutcome{Source: source, Result: views.ImportDuplicate, BadgeName: name, Href: paths.Badge(publicID),
		Message: "This badge is already in your backpack."}
}

// storeBadgeImage keeps the badge's picture: the baked image itself when
// the badge came as one, else its image (a data: URI decoded here, a web
// address fetched through the guarded client). A badge whose image cannot
// be had is still imported, without an image (0).
func (s *Server) storeBadgeImage(ctx context.Context, log *slog.Logger, b *badge.Badge) int64 {
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

func importOriginalType(f badge.Format) string {
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

// importReadError turns a badge.Read error into a sentence.
func importReadError(err error) string {
	var m *badge.MalformedError
	switch {
	case errors.Is(err, badge.ErrNoBadgeData), errors.Is(err, badge.ErrNotBadge):
		return importSentence(err.Error())
	case errors.As(err, &m):
		return importSentence(m.Error())
	}
	return "Satchel could not read this as a badge. Upload the badge image or file the issuer sent you, or paste its data."
}

// importNotAward explains why a node that is not awarded to anyone (a badge's
// description, an issuer profile, an endorsement) cannot go in a backpack;
// "" when b is an award.
func importNotAward(b *badge.Badge) string {
	switch {
	case b.Version == badge.V3_0 && b.Type == "EndorsementCredential":
		return "This is an endorsement (one organisation's statement about a badge or an issuer), not a badge awarded to you."
	case b.Version == badge.V3_0:
		return ""
	case b.OB2 != nil && b.OB2.Assertion != nil:
		return ""
	case b.Type == "BadgeClass":
		return "This describes a badge (a BadgeClass) but is not a badge awarded to anyone. Import the badge you received instead: the image or file from the issuer's email, or its web address."
	case b.Type == "Issuer" || b.Type == "Profile":
		return "This is an issuer's profile, not a badge. Import the badge you received instead: the image or file from the issuer's email, or its web address."
	}
	return "This is Open Badges data, but not a badge awarded to someone. Import the badge you received: the image or file from the issuer's email, or its web address."
}

// importRefusal decides whether a verified badge is turned away, and why, in
// words a learner can act on. Expired and revoked badges are kept (marked),
// and so are badges whose signature is intact but whose issuer Satchel
// cannot confirm (marked "Signed, issuer not confirmed"); badges that are
// not genuine, that Satchel cannot check now, or that were not issued to
// one of the learner's verified identifiers are refused. The refusal names
// the most important failed check, in the verifier's fixed order
// (Report.Reason and Headline).
func importRefusal(b *badge.Badge, rep *verify.Report, ids []badge.Identifier) *views.ImportOutcome {
	failed := importFailures(rep)
	out := &views.ImportOutcome{}
	if b.IsPointer() {
		// The web address did not give a badge: nothing to keep.
		out.Message = "Satchel could not get the badge from its web address."
		if c := importCheck(rep, "revocation"); c != nil && c.Status == verify.Failed {
			out.Message = c.Message
		} else if c := importCheck(rep, "fetch"); c != nil && c.Status == verify.Failed {
			out.Message = c.Message
			if store.StatusFromReport(rep) == store.StatusUnverified {
				out.Message = importJoin(c.Message, "Try again later.")
			}
		}
		return out
	}
	if msg := importNotAward(b); msg != "" {
		out.Message = msg
		return out
	}
	status := store.StatusFromReport(rep)
	switch {
	case rep.Reason == verify.ReasonNotBadge || rep.Reason == verify.ReasonUnreadable:
		out.Message = rep.Headline
		if status == store.StatusUnverified {
			out.Message = importJoin(rep.Headline, "Try again later.")
		}
		return out
	case status == store.StatusUnverified:
		out.Message = "Satchel could not reach the issuer to check this badge, so it was not imported. This is often temporary: try again later."
		out.Details = failed
		return out
	case rep.Reason == verify.ReasonRecipient:
		return importRecipientRefusal(b, rep, ids)
	case rep.Reason == verify.ReasonKeyNotIssuer || rep.Reason == verify.ReasonSignature:
		out.Message = importJoin(rep.Headline, "Satchel did not import it. Ask the issuer for a fresh copy.")
		out.Details = failed
		return out
	case status == store.StatusInvalid:
		out.Message = importJoin(rep.Headline, "Satchel could not confirm that this badge is genuine, so it was not imported.")
		out.Details = failed
		return out
	}
	return importRecipientRefusal(b, rep, ids)
}

// importRecipientRefusal refuses a badge that was not issued to one of the
// learner's verified identifiers. It names the kind of identifier, never
// its value or hash.
func importRecipientRefusal(b *badge.Badge, rep *verify.Report, ids []badge.Identifier) *views.ImportOutcome {
	c := importCheck(rep, "recipient")
	if c == nil || c.Status == verify.Passed {
		return nil
	}
	to := badge.IssuedTo(b)
	email := false
	for _, t := range badge.RecipientTypes(b) {
		if t == "email" {
			email = true
		}
	}
	out := &views.ImportOutcome{AddEmail: email}
	switch {
	case len(badge.RecipientTypes(b)) == 0:
		out.Message = "This badge does not say who it was issued to, so Satchel cannot confirm that it is yours."
	case len(ids) == 0 && email:
		out.Message = fmt.Sprintf("This badge was issued to %s, and your account has no verified email address yet. Add and confirm the address the issuer sent the badge to, then import it again.", to)
	case email:
		out.Message = fmt.Sprintf("This badge was issued to %s you have not verified. If it is yours, add and confirm that address, then import the badge again.", to)
	default:
		out.Message = fmt.Sprintf("This badge was issued to %s, which Satchel cannot confirm as yours: it can only match badges to email addresses you have verified.", to)
	}
	return out
}

func importCheck(rep *verify.Report, id string) *verify.Check {
	for i := range rep.Checks {
		if rep.Checks[i].ID == id {
			return &rep.Checks[i]
		}
	}
	return nil
}

func importFailedMessage(rep *verify.Report, id string) string {
	for _, c := range rep.Checks {
		if c.ID == id && c.Status == verify.Failed {
			return c.Message
		}
	}
	return ""
}

// importFailures lists the messages of the failed checks, each once.
func importFailures(rep *verify.Report) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		if c.Status == verify.Failed && c.ID != "recipient" && !seen[c.Message] {
			seen[c.Message] = true
			out = append(out, c.Message)
		}
	}
	return out
}

// importSentence starts s with a capital letter and ends it with a full stop.
func importSentence(s string) string {
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

func importJoin(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// importSize writes a byte count as people read it, e.g. "5 MB".
func importSize(n int64) string {
	switch {
	case n >= 1<<20:
		if n%(1<<20) == 0 {
			return fmt.Sprintf("%d MB", n>>20)
		}
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// recheckAfter is how long after an import the badge is verified again.
func (s *Server) recheckAfter() time.Duration {
	if s.opts.RecheckAfter > 0 {
		return s.opts.RecheckAfter
	}
	return defaultRecheck
}
