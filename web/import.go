package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
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
)

// errImportTooLarge is said in the request's language (importBodyLimit
// chooses it first).
func errImportTooLarge(c echo.Context) *fail.Error {
	ctx := c.Request().Context()
	return &fail.Error{
		Code:  fail.TooLarge,
		Title: tr(c, "import.too_large.title"),
		Message: tr(c, "import.too_large.message", i18n.Vars{
			"Max": importSizeIn(ctx, ImportMaxBodyBytes), "MaxFile": importSizeIn(ctx, ImportMaxFileBytes)}),
	}
}

// importBodyLimit caps the import request and reads its form here, before
// the CSRF check does, so that a body over the cap is reported as such
// rather than as a missing token. It runs before the language is chosen,
// so it chooses it for its refusals, as verifyBodyLimit does.
func (s *Server) importBodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > ImportMaxBodyBytes {
			s.ensureLanguage(c)
			return errImportTooLarge(c)
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
			s.ensureLanguage(c)
			return errImportTooLarge(c)
		}
		if err != nil {
			s.ensureLanguage(c)
			return &fail.Error{Code: fail.Malformed, Title: tr(c, "import.broken.title"),
				Message: tr(c, "import.broken.message"), Err: fmt.Errorf("import: parse form: %w", err)}
		}
		return next(c)
	}
}

func (s *Server) importView(c echo.Context) views.Import {
	ctx := c.Request().Context()
	return views.Import{MaxFile: importSizeIn(ctx, ImportMaxFileBytes), MaxTotal: importSizeIn(ctx, ImportMaxBodyBytes), MaxItems: importMaxItems, MaxFileBytes: ImportMaxFileBytes}
}

func (s *Server) handleImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportPage(s.shell(c, tr(c, "import.title")), s.importView(c)))
}

// importItem is one thing to import: a file, the web address or the pasted
// text, and the form field it came from.
type importItem struct {
	backpack.Item
	field string // "url" or "pasted" for those fields, "" for a file
}

// handleImport imports every item of the form and shows one outcome each.
// With "Accept: application/json" (import.js, one item per request) it
// answers with JSON that carries each outcome's HTML.
func (s *Server) handleImport(c echo.Context) error {
	u := currentUser(c)
	m := s.importView(c)
	m.URL = strings.TrimSpace(c.FormValue("url"))
	m.Pasted = strings.TrimSpace(c.FormValue("pasted"))
	items, errs := importItems(c, m.URL, m.Pasted)
	if len(errs) > 0 {
		m.Errors = errs
		if wantsJSON(c) {
			return c.JSON(http.StatusUnprocessableEntity, map[string]any{"error": errs[0].Message})
		}
		return s.render(c, http.StatusUnprocessableEntity, views.ImportPage(s.shell(c, tr(c, "import.title")), m))
	}

	in := make([]backpack.Item, len(items))
	for i, it := range items {
		in[i] = it.Item
	}
	res, err := s.bp.Import(useCaseCtx(c), u.ID, in)
	if err != nil {
		return err
	}
	outs := make([]views.ImportOutcome, len(res))
	for i, r := range res {
		outs[i] = importOutcome(c.Request().Context(), r)
	}

	if wantsJSON(c) {
		return s.importJSON(c, outs)
	}
	// Keep what was typed only when it did not go in, so it can be corrected.
	m.URL, m.Pasted = "", ""
	for i, it := range items {
		if outs[i].Result == views.ImportRefused {
			switch it.field {
			case "url":
				m.URL = string(it.Data)
			case "pasted":
				m.Pasted = string(it.Data)
			}
		}
	}
	m.Outcomes = outs
	return s.render(c, http.StatusOK, views.ImportPage(s.shell(c, tr(c, "import.title")), m))
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
			it, err := readImportFile(c, fh)
			if err != nil {
				return nil, []components.FieldError{{ID: "import-files", Message: tr(c, "import.errors.unreadable", i18n.Vars{"Source": it.Source})}}
			}
			items = append(items, it)
		}
	}
	if rawURL != "" {
		if u, err := url.Parse(rawURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, components.FieldError{ID: "import-url", Message: tr(c, "import.errors.url")})
		} else {
			items = append(items, importItem{Item: backpack.Item{Source: tr(c, "import.source.url", i18n.Vars{"URL": rawURL}), Data: []byte(rawURL)}, field: "url"})
		}
	}
	if pasted != "" {
		it := importItem{Item: backpack.Item{Source: tr(c, "import.source.pasted"), Data: []byte(pasted)}, field: "pasted"}
		if len(pasted) > ImportMaxFileBytes {
			ctx := c.Request().Context()
			it.Refused = tr(c, "import.errors.pasted_too_large", i18n.Vars{
				"Size": importSizeIn(ctx, int64(len(pasted))), "Max": importSizeIn(ctx, ImportMaxFileBytes)})
			it.Data = nil
		}
		items = append(items, it)
	}
	if len(errs) == 0 && len(items) == 0 {
		errs = append(errs, components.FieldError{ID: "import-files", Message: tr(c, "import.errors.nothing")})
	}
	if len(items) > importMaxItems {
		errs = append(errs, components.FieldError{ID: "import-files", Message: i18n.N(c.Request().Context(), "import.errors.too_many", len(items),
			i18n.Vars{"Max": i18n.Number(c.Request().Context(), importMaxItems)})})
	}
	return items, errs
}

func readImportFile(c echo.Context, fh *multipart.FileHeader) (importItem, error) {
	name := importFileName(fh.Filename)
	if name == "" {
		name = tr(c, "import.source.unnamed_file")
	}
	it := importItem{Item: backpack.Item{Source: name, Name: name}}
	if fh.Size > ImportMaxFileBytes {
		ctx := c.Request().Context()
		it.Refused = tr(c, "import.errors.file_too_large", i18n.Vars{
			"Size": importSizeIn(ctx, fh.Size), "Max": importSizeIn(ctx, ImportMaxFileBytes)})
		return it, nil
	}
	f, err := fh.Open()
	if err != nil {
		return it, err
	}
	defer f.Close()
	it.Data, err = io.ReadAll(io.LimitReader(f, ImportMaxFileBytes+1))
	return it, err
}

// importFileName keeps the last path element of a browser-sent file name,
// without control characters, at most 200 bytes; "" when nothing is left.
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
		return ""
	}
	return name
}

// importOutcome is the view of what the import did with one item.
func importOutcome(ctx context.Context, r backpack.ImportResult) views.ImportOutcome {
	o := views.ImportOutcome{Source: r.Source, BadgeName: r.BadgeName, Status: string(r.Status),
		Message: r.MessageIn(ctx), Details: r.DetailsIn(ctx), AddEmail: r.AddEmail}
	switch r.Outcome {
	case backpack.Added:
		o.Result = views.ImportAdded
	case backpack.Replaced:
		o.Result = views.ImportReplaced
	case backpack.Duplicate:
		o.Result = views.ImportDuplicate
	default:
		o.Result = views.ImportRefused
	}
	if r.BadgeID != "" {
		o.Href = paths.Badge(r.BadgeID)
	}
	return o
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

// importSizeIn writes a byte count as people read it, e.g. "5 MB", in the
// context's language.
func importSizeIn(ctx context.Context, n int64) string {
	switch {
	case n >= 1<<20:
		size := i18n.Tenths(ctx, float64(n)/(1<<20))
		if n%(1<<20) == 0 {
			size = i18n.Number(ctx, int(n>>20))
		}
		return i18n.T(ctx, "import.size.mb", i18n.Vars{"Size": size})
	case n >= 1<<10:
		return i18n.T(ctx, "import.size.kb", i18n.Vars{"Size": i18n.Number(ctx, int(n>>10))})
	}
	return i18n.N(ctx, "import.size.bytes", int(n))
}
