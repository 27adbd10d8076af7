package web

import (
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
	"github.com/satchel-backpack/satchel/views"
)

// maxArchiveBytes caps an uploaded export (the request body too).
const maxArchiveBytes = backpack.MaxArchiveBytes

// handleExport sends the learner's whole backpack as a ZIP: every
// original file byte for byte, the manifest and a readable index.html.
func (s *Server) handleExport(c echo.Context) error {
	data, err := s.bp.Export(useCaseCtx(c), currentUser(c).ID)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	name := "satchel-export-" + s.now().UTC().Format("2006-01-02") + ".zip"
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, "application/zip", data)
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
	return s.render(c, http.StatusOK, views.ExportPage(s.shell(c, tr(c, "export.title")), v))
}

// handleImportArchive takes a Satchel export back (see
// backpack.ImportArchive): a damaged or foreign archive, or one whose
// collections cannot be stored, is refused on the page and nothing changes.
func (s *Server) handleImportArchive(c echo.Context) error {
	v, err := s.exportView(c)
	if err != nil {
		return err
	}
	refuse := func(msg string) error {
		v.Error = msg
		return s.render(c, http.StatusUnprocessableEntity, views.ExportPage(s.shell(c, tr(c, "export.error_title")), v))
	}
	fh, err := c.FormFile("archive")
	if err != nil {
		return refuse(tr(c, "export.no_file"))
	}
	if fh.Size > maxArchiveBytes {
		return refuse(tr(c, "export.file_too_large", i18n.Vars{"Size": importSizeIn(c.Request().Context(), fh.Size), "Max": importSizeIn(c.Request().Context(), maxArchiveBytes)}))
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
	out, err := s.bp.ImportArchive(useCaseCtx(c), currentUser(c).ID, data)
	if fail.CodeOf(err) == fail.Invalid {
		return refuse(fail.MessageIn(c.Request().Context(), err))
	}
	if err != nil {
		return err
	}
	res := &views.ArchiveImportResult{Added: out.Added, Existing: out.Existing,
		CollectionsAdded: out.CollectionsAdded, CollectionsExisting: out.CollectionsExisting}
	for _, r := range out.Refused {
		res.Refused = append(res.Refused, views.ArchiveRefusal{Name: r.NameIn(c.Request().Context()), File: r.File, Reason: r.ReasonIn(c.Request().Context())})
	}
	if v, err = s.exportView(c); err != nil {
		return err
	}
	v.Result = res
	return s.render(c, http.StatusOK, views.ExportPage(s.shell(c, tr(c, "export.imported_title")), v))
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
		return notFoundIn(c, tr(c, "export.baked_unavailable"))
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
