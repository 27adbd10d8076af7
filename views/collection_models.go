package views

import (
	"net/url"
	"strconv"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views/components"
)

// backpackFilterPath is the backpack filtered by one issuer or one tag.
func backpackFilterPath(field, value string) string {
	return paths.Backpack + "?" + url.Values{field: {value}}.Encode()
}

// Collection visibilities.
const (
	VisibilityPrivate  = "private"
	VisibilityUnlisted = "unlisted"
	VisibilityPublic   = "public"
)

// CollectionForm is the name, description and slug form, with the input
// kept and a message per field ("name", "description", "slug").
type CollectionForm struct {
	Name        string
	Description string
	Slug        string
	Errors      map[string]string
}

func (f CollectionForm) errors(prefix string) []components.FieldError {
	var out []components.FieldError
	for _, field := range []string{"name", "description", "slug"} {
		if msg := f.Errors[field]; msg != "" {
			out = append(out, components.FieldError{ID: prefix + field, Message: msg})
		}
	}
	return out
}

// CollectionSummary is one collection in the list.
type CollectionSummary struct {
	PublicID    string
	Name        string
	Description string
	Visibility  string
	BadgeCount  int
}

// Collections is the list of the learner's collections with the create form.
type Collections struct {
	Items []CollectionSummary
	Form  CollectionForm
}

// CollectionBadge is one badge of a collection, in order.
type CollectionBadge struct {
	Tile     components.Tile
	PublicID string
	Name     string
	Position int  // 1-based
	Private  bool // the badge is private: a shared collection does not show it
}

// CollectionCandidate is a badge that can be ticked to add it.
type CollectionCandidate struct {
	PublicID string
	Name     string
	Issuer   string
}

// Collection is the owner's page of one collection.
type Collection struct {
	PublicID    string
	Name        string
	Description string
	Slug        string
	Visibility  string
	Badges      []CollectionBadge
	Candidates  []CollectionCandidate // the learner's badges not in it
}

// Shared is whether anyone but the learner can see the collection.
func (v Collection) Shared() bool {
	return v.Visibility == VisibilityUnlisted || v.Visibility == VisibilityPublic
}

// HiddenBadges are the badges in a shared collection that its visitors do
// not see, because each badge is private; none when the collection is
// private (nobody else sees any of it).
func (v Collection) HiddenBadges() []CollectionBadge {
	if !v.Shared() {
		return nil
	}
	var out []CollectionBadge
	for _, b := range v.Badges {
		if b.Private {
			out = append(out, b)
		}
	}
	return out
}

// Ids of the collection page's notice about badges visitors do not see,
// which the visibility page links to.
const (
	PrivateBadgesID        = "private-badges"
	privateBadgesHeadingID = "private-badges-heading"
)

// CollectionEdit is the rename / describe / slug form.
type CollectionEdit struct {
	PublicID string
	Name     string // the saved name, for the heading
	Form     CollectionForm
}

// CollectionDelete asks before deleting a collection.
type CollectionDelete struct {
	PublicID   string
	Name       string
	BadgeCount int
}

// CollectionVisibility is the visibility form.
type CollectionVisibility struct {
	PublicID      string
	Name          string
	Slug          string
	Visibility    string
	UnlistedURL   string // the full secret link
	PrivateBadges int
	BadgeCount    int
	// PrivateNames are the names of the private badges in it, in the
	// collection's order.
	PrivateNames []string
}

// CollectionAdd is the page with the checklist that adds badges.
type CollectionAdd struct {
	PublicID   string
	Name       string
	Candidates []CollectionCandidate
}

// BadgeCollectionOption is one of the learner's collections, ticked when
// the badge is in it.
type BadgeCollectionOption struct {
	PublicID string
	Name     string
	Checked  bool
}

// BadgeCollections is the "Collections" section of a badge's page.
type BadgeCollections struct {
	BadgePublicID string
	BadgeName     string
	Options       []BadgeCollectionOption
}

// CollectionGroups are the automatic groupings of a backpack.
type CollectionGroups struct {
	Total   int
	Issuers []FacetCount
	Tags    []FacetCount
}

// FacetCount is one issuer or tag with its number of badges.
type FacetCount struct {
	Value string
	Count int
}

// Ordinal is 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// Ids of a collection item's controls, the targets of the fragment a move
// redirects to so that focus returns to the moved badge.
func MoveUpID(badge string) string   { return "up-" + badge }
func MoveDownID(badge string) string { return "down-" + badge }
func MoveTopID(badge string) string  { return "top-" + badge }
func RemoveID(badge string) string   { return "remove-" + badge }
func collItemID(badge string) string { return "item-" + badge }

// CollectionOrganise is the page that adds several badges to a collection.
type CollectionOrganise struct {
	Badges      []CollectionCandidate // every badge of the backpack
	Collections []CollectionSummary
	Selected    string // the collection chosen before
}
