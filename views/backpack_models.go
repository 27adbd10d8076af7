package views

import (
	"context"
	"net/url"
	"strconv"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views/components"
)

// Backpack sort orders, as the sort field sends them.
const (
	SortNewest     = "newest"
	SortOldest     = "oldest"
	SortNameAZ     = "name"
	SortNameZA     = "name-desc"
	SortIssuerAZ   = "issuer"
	SortIssuerZA   = "issuer-desc"
	DefaultSorting = SortNewest
)

// SortOptions are the choices of the sort field, in order, with their
// English labels; the page says them with sortOptions.
var SortOptions = []components.Option{
	{Value: SortNewest, Label: "Newest first"},
	{Value: SortOldest, Label: "Oldest first"},
	{Value: SortNameAZ, Label: "Name, A to Z"},
	{Value: SortNameZA, Label: "Name, Z to A"},
	{Value: SortIssuerAZ, Label: "Issuer, A to Z"},
	{Value: SortIssuerZA, Label: "Issuer, Z to A"},
}

// BackpackQuery is what the sort and filter form asked for.
type BackpackQuery struct {
	Search string
	Issuer string
	Tag    string
	Status string
	Sort   string // one of the Sort… values; "" means DefaultSorting
	Page   int
}

// Filtered reports whether anything narrows the list.
func (q BackpackQuery) Filtered() bool {
	return q.Search != "" || q.Issuer != "" || q.Tag != "" || q.Status != ""
}

// URL is the backpack's address for this query on the given page; default
// values are left out so that addresses stay short.
func (q BackpackQuery) URL(page int) string {
	v := url.Values{}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if q.Issuer != "" {
		v.Set("issuer", q.Issuer)
	}
	if q.Tag != "" {
		v.Set("tag", q.Tag)
	}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	if q.Sort != "" && q.Sort != DefaultSorting {
		v.Set("sort", q.Sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return paths.Backpack
	}
	return paths.Backpack + "?" + v.Encode()
}

// FacetOption is one value of a filter with the number of badges that have it.
type FacetOption struct {
	Value string
	Label string
	Count int
}

// Backpack is the backpack page.
type Backpack struct {
	Name   string   // the learner, for the welcome
	Emails []string // the addresses badges are matched to, for the account summary

	Query BackpackQuery
	Tiles []components.Tile

	All   int // badges in the backpack
	Total int // badges matching the query
	Page  int
	Pages int
	From  int // the first and last position shown, counting from 1
	To    int

	Issuers  []FacetOption
	Tags     []FacetOption
	Statuses []FacetOption

	Samples []SampleBadge // sample badges to try, when the backpack is empty
}

// SampleBadge is a sample badge file offered for download.
type SampleBadge struct {
	Name string // file name
	URL  string
}

// DeleteBadge is the page that asks before deleting a badge.
type DeleteBadge struct {
	PublicID string
	Name     string
}

// sortLabels are the messages that name each sort order.
var sortLabels = map[string]string{
	SortNewest:   "backpack.sort.newest",
	SortOldest:   "backpack.sort.oldest",
	SortNameAZ:   "backpack.sort.name",
	SortNameZA:   "backpack.sort.name_desc",
	SortIssuerAZ: "backpack.sort.issuer",
	SortIssuerZA: "backpack.sort.issuer_desc",
}

// sortOptions are the choices of the sort field in the context's language.
func sortOptions(ctx context.Context) []components.Option {
	out := make([]components.Option, len(SortOptions))
	for i, o := range SortOptions {
		out[i] = components.Option{Value: o.Value, Label: i18n.T(ctx, sortLabels[o.Value])}
	}
	return out
}

// facetOptions makes a filter's choices: "all" first, then each value with
// its count.
func facetOptions(ctx context.Context, all string, facets []FacetOption) []components.Option {
	opts := []components.Option{{Value: "", Label: all}}
	for _, f := range facets {
		label := f.Label
		if label == "" {
			label = f.Value
		}
		opts = append(opts, components.Option{Value: f.Value, Label: i18n.T(ctx, "backpack.filters.option", i18n.Vars{"Label": label, "Count": i18n.Number(ctx, f.Count)})})
	}
	return opts
}

func sortValue(s string) string {
	if s == "" {
		return DefaultSorting
	}
	return s
}

// resultsCount says how many badges the list holds and which are shown.
func resultsCount(ctx context.Context, b Backpack) string {
	vars := i18n.Vars{"From": i18n.Number(ctx, b.From), "To": i18n.Number(ctx, b.To), "All": i18n.Number(ctx, b.All)}
	switch {
	case b.Total == 0:
		return i18n.N(ctx, "backpack.count.none_match", b.All)
	case b.Query.Filtered() && b.Pages > 1:
		return i18n.N(ctx, "backpack.count.showing_matching", b.Total, vars)
	case b.Query.Filtered():
		return i18n.N(ctx, "backpack.count.matching", b.Total, vars)
	case b.Pages > 1:
		return i18n.N(ctx, "backpack.count.showing", b.Total, vars)
	}
	return i18n.N(ctx, "backpack.count.all", b.Total)
}

// pageNumbers lists the pages to link: the first, the last, and two either
// side of the current one; 0 marks a gap.
func pageNumbers(current, pages int) []int {
	var out []int
	last := 0
	for p := 1; p <= pages; p++ {
		if p == 1 || p == pages || (p >= current-2 && p <= current+2) {
			if last != 0 && p > last+1 {
				out = append(out, 0)
			}
			out = append(out, p)
			last = p
		}
	}
	return out
}
