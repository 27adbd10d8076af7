package views_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views"
	"github.com/satchel-backpack/satchel/views/components"
)

func TestOrdinal(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 101: "101st", 111: "111th"} {
		if got := views.Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

func sampleCollection() views.Collection {
	v := views.Collection{PublicID: "c0llecti0nid000000", Name: "Data skills", Description: "For Acme", Slug: "data-skills", Visibility: "unlisted",
		Candidates: []views.CollectionCandidate{{PublicID: "candidate0000000", Name: "SQL", Issuer: "Open University"}}}
	for i, name := range []string{"Statistics", "Python", "Charts"} {
		id := strings.Repeat(string(rune('a'+i)), 16)
		v.Badges = append(v.Badges, views.CollectionBadge{PublicID: id, Name: name, Position: i + 1,
			Tile: components.Tile{ID: id, Href: paths.Badge(id), Name: name, Issuer: "Open University", Status: "valid"}})
	}
	return v
}

// sampleSharedWithPrivate is sampleCollection, public, with its last two
// badges private.
func sampleSharedWithPrivate() views.Collection {
	v := sampleCollection()
	v.Visibility = views.VisibilityPublic
	v.Badges[1].Private, v.Badges[2].Private = true, true
	return v
}

func collectionPages() map[string]templ.Component {
	return map[string]templ.Component{
		"collection-hidden": views.CollectionPage(member, sampleSharedWithPrivate()),
		"visibility-hidden": views.CollectionVisibilityPage(member, views.CollectionVisibility{PublicID: "x0000000000000000", Name: "A", Slug: "a", Visibility: "public",
			UnlistedURL: "https://satchel.example/c/TOKEN", PrivateBadges: 2, BadgeCount: 3, PrivateNames: []string{"Python", "Charts"}}),
		"collections":  views.CollectionsPage(member, views.Collections{Items: []views.CollectionSummary{{PublicID: "x0000000000000000", Name: "A", BadgeCount: 2}}, Form: views.CollectionForm{Errors: map[string]string{"name": "Enter a name."}}}),
		"collection":   views.CollectionPage(member, sampleCollection()),
		"edit":         views.CollectionEditPage(member, views.CollectionEdit{PublicID: "x0000000000000000", Name: "A", Form: views.CollectionForm{Name: "A", Slug: "Bad", Errors: map[string]string{"slug": "Use lower-case."}}}),
		"delete":       views.CollectionDeletePage(member, views.CollectionDelete{PublicID: "x0000000000000000", Name: "A", BadgeCount: 1}),
		"visibility":   views.CollectionVisibilityPage(member, views.CollectionVisibility{PublicID: "x0000000000000000", Name: "A", Slug: "a", Visibility: "unlisted", UnlistedURL: "https://satchel.example/c/TOKEN", PrivateBadges: 1, BadgeCount: 2}),
		"replace-link": views.CollectionReplaceLinkPage(member, views.CollectionVisibility{PublicID: "x0000000000000000", Name: "A"}),
		"add":          views.CollectionAddPage(member, views.CollectionAdd{PublicID: "x0000000000000000", Name: "A", Candidates: sampleCollection().Candidates}),
		"badge":        views.BadgeCollectionsPage(member, views.BadgeCollections{BadgePublicID: "b0000000000000000", BadgeName: "SQL", Options: []views.BadgeCollectionOption{{PublicID: "x0000000000000000", Name: "A", Checked: true}}}),
		"groups":       views.CollectionGroupsPage(member, views.CollectionGroups{Total: 2, Issuers: []views.FacetCount{{Value: "Open University", Count: 2}}}),
		"organise":     views.CollectionOrganisePage(member, views.CollectionOrganise{Badges: sampleCollection().Candidates, Collections: []views.CollectionSummary{{PublicID: "x0000000000000000", Name: "A"}}}),
	}
}

// TestCollectionPages_Structure: headings in order, ids unique, every
// control labelled, every form a POST with the CSRF token.
func TestCollectionPages_Structure(t *testing.T) {
	t.Parallel()
	for name, page := range collectionPages() {
		t.Run(name, func(t *testing.T) {
			doc := render(t, page)
			prev := 0
			doc.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, h *goquery.Selection) {
				level := int(goquery.NodeName(h)[1] - '0')
				if (prev == 0 && level != 1) || (prev != 0 && level > prev+1) {
					t.Errorf("h%d %q after h%d", level, strings.TrimSpace(h.Text()), prev)
				}
				prev = level
			})
			seen := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("id")
				if seen[id] {
					t.Errorf("id %q used twice", id)
				}
				seen[id] = true
			})
			doc.Find(`input:not([type="hidden"]), select, textarea`).Each(func(_ int, in *goquery.Selection) {
				id, _ := in.Attr("id")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("%s %q has no label", goquery.NodeName(in), id)
				}
			})
			doc.Find("form").Each(func(_ int, f *goquery.Selection) {
				if m, _ := f.Attr("method"); m != "post" {
					t.Errorf("form method %q", m)
				}
				if v, _ := f.Find(`input[name="_csrf"]`).Attr("value"); v != testToken {
					t.Errorf("form to %s without the CSRF token", f.AttrOr("action", "?"))
				}
			})
		})
	}
}

func TestCollectionPage_MoveButtonsAtTheEnds(t *testing.T) {
	t.Parallel()
	doc := render(t, views.CollectionPage(member, sampleCollection()))
	items := doc.Find(`[data-testid="collection-item"]`)
	if items.Length() != 3 || doc.Find(`ol[data-testid="collection-badges"]`).Length() != 1 {
		t.Fatalf("%d items in an ordered list", items.Length())
	}
	buttons := func(i int) string {
		var out []string
		items.Eq(i).Find(`button`).Each(func(_ int, b *goquery.Selection) { out = append(out, b.AttrOr("data-testid", "")) })
		return strings.Join(out, " ")
	}
	for i, want := range []string{"move-down remove", "move-up move-down move-top remove", "move-up move-top remove"} {
		if got := buttons(i); got != want {
			t.Errorf("item %d buttons %q, want %q", i+1, got, want)
		}
	}
	// Each button names its badge for screen readers; the ids are the
	// fragments a move returns to.
	up := items.Eq(1).Find(`[data-testid="move-up"]`)
	if got := strings.Join(strings.Fields(up.Text()), " "); got != "Move up: Python" || up.AttrOr("id", "") != "up-"+strings.Repeat("b", 16) {
		t.Errorf("Move up button %q id %q", got, up.AttrOr("id", ""))
	}
	if got := strings.TrimSpace(items.Eq(2).Find(`[data-testid="collection-position"]`).Text()); got != "3rd of 3" {
		t.Errorf("position %q", got)
	}
}

func TestCollectionPage_NamesTheBadgesVisitorsDoNotSee(t *testing.T) {
	t.Parallel()
	doc := render(t, views.CollectionPage(member, sampleSharedWithPrivate()))
	notice := doc.Find(`[data-testid="private-badges-notice"]`)
	if got, want := strings.Join(strings.Fields(notice.Find(`[data-testid="private-badges-text"]`).Text()), " "),
		"2 of 3 badges in this collection are private, so visitors of your profile and of its link do not see them: Python, Charts."; got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	// Named by its heading, the target of the visibility page's link.
	if id := notice.AttrOr("id", ""); id != views.PrivateBadgesID || notice.Find("#"+notice.AttrOr("aria-labelledby", "-")).Length() != 1 {
		t.Errorf("notice id %q, labelled by %q", id, notice.AttrOr("aria-labelledby", ""))
	}
	var badges []string
	notice.Find(`form input[name="badge"]`).Each(func(_ int, in *goquery.Selection) { badges = append(badges, in.AttrOr("value", "")) })
	if got := strings.Join(badges, " "); got != strings.Repeat("b", 16)+" "+strings.Repeat("c", 16) {
		t.Errorf("the form makes %q public", got)
	}
	if got := strings.TrimSpace(notice.Find("button").Text()); got != "Make these 2 badges public" {
		t.Errorf("button %q", got)
	}
	items := doc.Find(`[data-testid="collection-item"]`)
	for i, want := range []string{"", "Private — not shown to visitors", "Private — not shown to visitors"} {
		if got := strings.TrimSpace(items.Eq(i).Find(`[data-testid="collection-item-private"]`).Text()); got != want {
			t.Errorf("item %d marked %q, want %q", i+1, got, want)
		}
	}

	// A private collection: nobody else sees it, so nothing to point out.
	v := sampleSharedWithPrivate()
	v.Visibility = views.VisibilityPrivate
	doc = render(t, views.CollectionPage(member, v))
	if doc.Find(`[data-testid="private-badges-notice"], [data-testid="collection-item-private"]`).Length() != 0 {
		t.Errorf("a private collection has the notice or markers")
	}
}
