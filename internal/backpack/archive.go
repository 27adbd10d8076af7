package backpack

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgeimg"
	"github.com/satchel-backpack/satchel/internal/export"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/store"
)

// MaxArchiveBytes caps an export brought back (and so the upload).
const MaxArchiveBytes = 64 << 20

// Export builds the learner's whole backpack as a ZIP: every original file
// byte for byte, the manifest and a readable index.html.
func (s *Service) Export(ctx context.Context, userID int64) ([]byte, error) {
	data, err := s.db.ExportData(ctx, userID)
	if err != nil {
		return nil, err
	}
	in := export.Input{ExportedAt: s.now(), Generator: s.gen}
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
		return nil, err
	}
	return buf.Bytes(), nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ArchiveResult says what ImportArchive did.
type ArchiveResult struct {
	Added, Existing                       int // badges
	CollectionsAdded, CollectionsExisting int
	Refused                               []ArchiveRefusal
}

// ArchiveRefusal is one badge of an archive that was not imported.
type ArchiveRefusal struct {
	Name, File, Reason string
	// Says say Reason in another language (none when a part of it has no
	// catalog message); Untitled marks a badge with no name, whose Name
	// is "Untitled badge".
	Says     []i18n.Phrase
	Untitled bool
}

// tell sets the refusal's reason to w.
func (r *ArchiveRefusal) tell(w words) { r.Reason, r.Says = w.kept() }

// ReasonIn is the refusal's reason in the context's language.
func (r ArchiveRefusal) ReasonIn(ctx context.Context) string { return sayIn(ctx, r.Reason, r.Says) }

// NameIn is the badge's name, or "Untitled badge" in the context's
// language.
func (r ArchiveRefusal) NameIn(ctx context.Context) string {
	if r.Untitled {
		return i18n.T(ctx, "badge.untitled")
	}
	return r.Name
}

// ImportArchive takes a Satchel export back: the archive is checked whole
// first (a damaged or foreign one is refused with a fail.Invalid error and
// nothing changes), each badge is read and verified again against the
// learner's verified identifiers, and what passes is written with the
// collections in one transaction. Badges already there are left as they
// are, so a second run adds nothing.
func (s *Service) ImportArchive(ctx context.Context, userID int64, data []byte) (*ArchiveResult, error) {
	a, err := export.ReadBytes(data, export.Limits{MaxArchiveBytes: MaxArchiveBytes})
	if err != nil {
		var ee *export.Error
		if errors.As(err, &ee) {
			s.logOf(ctx).Info("archive refused", "reason", ee.Detail())
			fe := fail.Wrap(fail.Invalid, ee.Message, err)
			if ee.Phrase.ID != "" {
				fe.SayPhrases(ee.Phrase)
			}
			return nil, fe
		}
		return nil, err
	}
	ids, err := s.db.VerifiedIdentifiers(ctx, userID)
	if err != nil {
		return nil, err
	}
	var in store.ArchiveImport
	res := &ArchiveResult{}
	// Checking with issuers is bounded like any import; what does not fit
	// is refused and comes in when the same file is imported again.
	vctx, cancel := context.WithTimeout(ctx, ImportBudget)
	defer cancel()
	for _, mb := range a.Manifest.Badges {
		ab, refused := s.archiveBadge(vctx, userID, a, mb, ids)
		if refused != nil {
			res.Refused = append(res.Refused, *refused)
			continue
		}
		in.Badges = append(in.Badges, *ab)
	}
	for _, col := range a.Manifest.Collections {
		in.Collections = append(in.Collections, store.ArchiveCollection{Name: col.Name, Slug: col.Slug,
			Description: col.Description, Visibility: col.Visibility, Badges: col.Badges})
	}
	out, err := s.db.ImportArchive(ctx, userID, in)
	if err != nil {
		if fail.CodeOf(err) == fail.Invalid {
			fe := fail.Wrap(fail.Invalid, "The export holds a collection Satchel cannot store: "+fail.Message(err), err)
			var inner *fail.Error
			if errors.As(err, &inner) && inner.Phrases() != nil {
				fe.SayPhrases(append([]i18n.Phrase{{ID: "archive.collection_refused"}}, inner.Phrases()...)...)
			}
			return nil, fe
		}
		return nil, err
	}
	res.Added, res.Existing = out.BadgesAdded, out.BadgesExisting
	res.CollectionsAdded, res.CollectionsExisting = out.CollectionsAdded, out.CollectionsExisting
	return res, nil
}

// archiveBadge reads and verifies one badge of an archive from its
// original bytes (never trusting the manifest's fields), as an import of
// that file would.
func (s *Service) archiveBadge(ctx context.Context, userID int64, a *export.Archive, mb export.Badge, ids []badge.Identifier) (*store.ArchiveBadge, *ArchiveRefusal) {
	name, untitled := mb.Name, strings.TrimSpace(mb.Name) == ""
	if untitled {
		name = "Untitled badge"
	}
	refused := &ArchiveRefusal{Name: name, File: mb.Original.Path, Untitled: untitled}
	b, err := badge.Read(a.Original(mb))
	if err != nil {
		refused.tell(readError(err))
		return nil, refused
	}
	if !b.IsPointer() {
		if msg := notAward(b); msg.text != "" {
			refused.tell(msg)
			return nil, refused
		}
		// Already in this backpack: nothing to check or fetch again.
		key := store.DedupeKey(b)
		if _, _, found, err := s.db.BadgeWithKey(ctx, userID, key); err == nil && found {
			return &store.ArchiveBadge{Key: mb.ID, Badge: &store.Badge{DedupeKey: key}}, nil
		}
	}
	if ctx.Err() != nil {
		refused.tell(say("import_more.out_of_time"))
		return nil, refused
	}
	if msg, err := s.importLimit(ctx, userID); err != nil || msg.text != "" {
		if msg.text == "" {
			msg = say("import_more.check_later")
		}
		refused.tell(msg)
		return nil, refused
	}
	rep := s.verifier.Verify(ctx, b, ids)
	if r := refusal(b, rep, ids); r != nil {
		refused.Reason, refused.Says = r.Message, r.Says
		return nil, refused
	}
	sb, err := s.storedBadge(b, rep, ids, mb.OriginalName)
	if err != nil {
		s.logOf(ctx).Error("archive import: encode badge", "err", err)
		refused.tell(say("import_more.not_stored"))
		return nil, refused
	}
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
