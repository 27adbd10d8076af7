package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/export"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// maxArchiveBytes caps an uploaded export (the request body too).
const maxArchiveBytes = 64 << 20

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// handleExport sends the learner's whole backpack as a ZIP: every
// original file byte for byte, the manifest and a readable index.html.
func (s *Server) handleExport(c echo.Context) error {
	ctx := c.Request().Context()
	data, err := s.db.ExportData(ctx, currentUser(c).ID)
	if err != nil {
		return err
	}
	in := export.Input{ExportedAt: s.now(), Generator: "Satchel " + s.baseURL.Host}
	if p := data.Profile; p != nil {
		in.Profile = &export.Profile{Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio, Indexable: p.Indexable}
	}
	for _, b := range data.Badges {
		e := export.Entry{Original: b.Original, Badge: export.Badge{
			ID: b.PublicID, OriginalName: b.OriginalName, Format: b.Format, Version: b.Version,
			Visibility: b.Visibility, Name: b.Name, IssuerName: b.IssuerName,
			IssuedOn: timePtr(b.IssuedAt), Expires: timePtr(b.ExpiresAt), Status: string(b.Status), Tags: b.Tags,
		}}
		if im := data.Images[b.ImageHash]; im != nil {
			e.Image = im.Bytes
		}
		in.Badges = append(in.Badges, e)
	}
	for _, col := range data.Collections {
		in.Collections = append(in.Collections, export.Collection{ID: col.PublicID, Name: col.Name, Slug: col.Slug,
			Description: col.Description, Visibility: col.Visibility, Badges: col.Badges})
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, in); err != nil {
		return err
	}
	h := c.Response().Header()
	name := "satchel-export-" + s.now().UTC().Format("2006-01-02") + ".zip"
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, "application/zip", buf.Bytes())
}

func (s *Server) exportView(c echo.Context) (views.ExportView, error) {
	ctx := c.Request().Context()
	n, err := s.db.CountBadges(ctx, currentUser(c).ID)
	if err != nil {
		return views.ExportView{}, err
	}
	cols, err := s.db.Collections(ctx, currentUser(c).ID)
	if err != nil {
		return views.ExportView{}, err
	}
	return views.ExportView{Badges: n, Collections: len(cols)}, nil
}

func (s *Server) handleImportArchiveForm(c echo.Context) error {
	v, err := s.exportView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ExportPage(s.shell(c, "Download or import everything"), v))
}

// handleImportArchive takes a Satchel export back: the archive is checked
// whole first (a damaged or foreign one is refused and nothing changes),
// each badge is read and verified again against this account's verified
// identifiers, and what passes is written with the collections in one
// transaction. Badges already here are left as they are, so a second run
// adds nothing.
func (s *Server) handleImportArchive(c echo.Context) error {
	ctx := c.Request().Context()
	log := logger(c)
	user := currentUser(c)
	v, err := s.exportView(c)
	if err != nil {
		return err
	}
	refuse := func(msg string) error {
		v.Error = msg
		return s.render(c, http.StatusUnprocessableEntity, views.ExportPage(s.shell(c, "Error: Download or import everything"), v))
	}
	fh, err := c.FormFile("archive")
	if err != nil {
		return refuse("Choose the ZIP file of a Satchel export to import.")
	}
	if fh.Size > maxArchiveBytes {
		return refuse(fmt.Sprintf("The file is %s; Satchel imports exports up to %s.", importSize(fh.Size), importSize(maxArchiveBytes)))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxArchiveBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	a, err := export.ReadBytes(data, export.Limits{MaxArchiveBytes: maxArchiveBytes})
	if err != nil {
		var ee *export.Error
		if errors.As(err, &ee) {
			log.Info("archive refused", "reason", ee.Detail())
			return refuse(ee.Message)
		}
		return err
	}
	ids, err := s.db.VerifiedIdentifiers(ctx, user.ID)
	if err != nil {
		return err
	}

	var in store.ArchiveImport
	res := &views.ArchiveImportResult{}
	// Checking with issuers is bounded like any import; what does not fit
	// is refused and comes in when the same file is imported again.
	vctx, cancel := context.WithTimeout(ctx, importBudget)
	defer cancel()
	for _, mb := range a.Manifest.Badges {
		ab, refusal := s.archiveBadge(vctx, log, user.ID, a, mb, ids)
		if refusal != nil {
			res.Refused = append(res.Refused, *refusal)
			continue
		}
		in.Badges = append(in.Badges, *ab)
	}
	for _, col := range a.Manifest.Collections {
		in.Collections = append(in.Collections, store.ArchiveCollection{Name: col.Name, Slug: col.Slug,
			Description: col.Description, Visibility: col.Visibility, Badges: col.Badges})
	}
	out, err := s.db.ImportArchive(ctx, user.ID, in)
	if err != nil {
		if store.KindOf(err) == store.Invalid {
			return refuse("The export holds a collection Satchel cannot store: " + err.Error())
		}
		return err
	}
	res.Added, res.Existing = out.BadgesAdded, out.BadgesExisting
	res.CollectionsAdded, res.CollectionsExisting = out.CollectionsAdded, out.CollectionsExisting
	if v, err = s.exportView(c); err != nil {
		return err
	}
	v.Result = res
	return s.render(c, http.StatusOK, views.ExportPage(s.shell(c, "Archive imported"), v))
}

// archiveBadge reads and verifies one badge of an archive from its
// original bytes (never trusting the manifest's fields), as an import of
// that file would.
func (s *Server) archiveBadge(ctx context.Context, log *slog.Logger, userID int64, a *export.Archive, mb export.Badge, ids []badge.Identifier) (*store.ArchiveBadge, *views.ArchiveRefusal) {
	refusal := &views.ArchiveRefusal{Name: orDefault(mb.Name, "Untitled badge"), File: mb.Original.Path}
	b, err := badge.Read(a.Original(mb))
	if err != nil {
		refusal.Reason = importReadError(err)
		return nil, refusal
	}
	if !b.IsPointer() {
		if msg := importNotAward(b); msg != "" {
			refusal.Reason = msg
			return nil, refusal
		}
		// Already in this backpack: nothing to check or fetch again.
		key := store.DedupeKey(b)
		if _, _, found, err := s.db.BadgeWithKey(ctx, userID, key); err == nil && found {
			return &store.ArchiveBadge{Key: mb.ID, Badge: &store.Badge{DedupeKey: key}}, nil
		}
	}
	if ctx.Err() != nil {
		refusal.Reason = "Satchel ran out of time for this import before checking this badge. Import the same file again to bring in the rest: badges already imported are skipped."
		return nil, refusal
	}
	if msg, err := s.importLimit(ctx, userID); err != nil || msg != "" {
		refusal.Reason = orDefault(msg, "Satchel could not check this badge just now. Please try again later.")
		return nil, refusal
	}
	rep := s.verifier.Verify(ctx, b, ids)
	if r := importRefusal(b, rep, ids); r != nil {
		refusal.Reason = r.Message
		return nil, refusal
	}
	sb, err := store.NewBadge(b)
	if err != nil {
		log.Error("archive import: encode badge", "err", err)
		refusal.Reason = "Satchel could not store this badge."
		return nil, refusal
	}
	sb.OriginalName = mb.OriginalName
	sb.OriginalType = importOriginalType(b.Format)
	if id, ok := badge.MatchRecipient(b, ids); ok {
		sb.MatchedType, sb.MatchedValue = id.Type, id.Value
	}
	sb.ReportJSON, _ = json.Marshal(rep)
	sb.Status = store.StatusFromReport(rep)
	sb.CheckedAt = rep.RanAt
	sb.NextCheckAt = rep.RanAt.Add(s.recheckAfter())
	sb.Visibility = mb.Visibility
	ab := &store.ArchiveBadge{Key: mb.ID, Badge: sb}
	img := a.Original(mb)
	if b.Format != badge.FormatPNG && b.Format != badge.FormatSVG {
		img = nil
		if mb.Image != nil {
			img = a.Files[mb.Image.Path]
		}
	}
	if img != nil {
		if info, err := badgeimg.Check(img); err == nil {
			ab.Image, ab.ImageType, ab.ImageWidth, ab.ImageHeight = img, info.ContentType, info.Width, info.Height
		}
	}
	return ab, nil
}

// handleBadgeBaked sends a badge that arrived as JSON, a JWS or a web
// address baked into its stored picture, so it can travel as one file.
func (s *Server) handleBadgeBaked(c echo.Context) error {
	b, err := s.ownBadge(c)
	if err != nil {
		return err
	}
	data := bakeData(b)
	if data == "" || b.ImageHash == "" {
		return notFound("This badge cannot be downloaded baked: it is an image already, or Satchel has no picture of it.")
	}
	im, err := s.db.ImageByHash(c.Request().Context(), b.ImageHash)
	if err != nil {
		return err
	}
	out, err := badge.Bake(im.Bytes, []byte(data))
	if err != nil {
		return err
	}
	ext := ".png"
	if im.ContentType == "image/svg+xml" {
		ext = ".svg"
	}
	base := slug(b.Name)
	if base == "" {
		base = "badge"
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": base + "-baked" + ext}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, im.ContentType, out)
}

// bakeData is what goes into a baked copy: the signed JWS when there is
// one, else the assertion or credential JSON; "" for image badges.
func bakeData(b *store.Badge) string {
	switch badge.Format(b.Format) {
	case badge.FormatJSON, badge.FormatURL, badge.FormatJWS:
	default:
		return ""
	}
	if jws := strings.TrimSpace(b.JWS); jws != "" {
		return jws
	}
	return strings.TrimSpace(b.Payload)
}

// BakedOffer says whether the owner's badge page offers a baked download.
func bakedOffer(b *store.Badge) views.Baked {
	if bakeData(b) == "" || b.ImageHash == "" {
		return views.Baked{}
	}
	return views.Baked{PNG: true, Path: paths.BadgeBaked(b.PublicID)}
}
