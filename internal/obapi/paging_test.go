package obapi_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

func TestParsePage(t *testing.T) {
	t.Parallel()
	since := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600))
	for _, tc := range []struct {
		name  string
		query string
		want  obapi.Page
		param string // the parameter a refusal names
	}{
		{name: "defaults", query: "", want: obapi.Page{Limit: 20}},
		{name: "limit and offset", query: "limit=5&offset=10", want: obapi.Page{Limit: 5, Offset: 10}},
		{name: "limit capped", query: "limit=1000", want: obapi.Page{Limit: 100}},
		{name: "since with zone", query: "since=2024-05-01T12:00:00%2B02:00", want: obapi.Page{Limit: 20, Since: since}},
		{name: "since in UTC with fraction", query: "since=2024-05-01T10:00:00.5Z", want: obapi.Page{Limit: 20, Since: since.Add(500 * time.Millisecond)}},
		{name: "zero limit", query: "limit=0", param: "limit"},
		{name: "negative limit", query: "limit=-1", param: "limit"},
		{name: "word limit", query: "limit=ten", param: "limit"},
		{name: "fraction limit", query: "limit=2.5", param: "limit"},
		{name: "negative offset", query: "offset=-3", param: "offset"},
		{name: "huge offset", query: "offset=99999999999999999999", param: "offset"},
		{name: "empty offset", query: "offset=", param: "offset"},
		{name: "repeated limit", query: "limit=1&limit=2", param: "limit"},
		{name: "since without zone", query: "since=2024-05-01T12:00:00", param: "since"},
		{name: "since a date only", query: "since=2024-05-01", param: "since"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := obapi.ParsePage(q, 20, 100)
			if tc.param != "" {
				var qe *obapi.QueryError
				if !errors.As(err, &qe) || qe.Param != tc.param {
					t.Fatalf("ParsePage(%q) = %+v, %v; want a refusal of %s", tc.query, got, err, tc.param)
				}
				if !strings.HasPrefix(err.Error(), tc.param+": ") {
					t.Errorf("message %q should name %s", err, tc.param)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePage(%q): %v", tc.query, err)
			}
			if got.Limit != tc.want.Limit || got.Offset != tc.want.Offset || !got.Since.Equal(tc.want.Since) {
				t.Errorf("ParsePage(%q) = %+v, want %+v", tc.query, got, tc.want)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	list, _ := url.Parse("https://backpack.example/ims/ob/v3p0/credentials?since=2024-01-01T00%3A00%3A00Z&limit=2")
	at := func(limit, offset int) string {
		return "<https://backpack.example/ims/ob/v3p0/credentials?limit=" + itoa(limit) + "&offset=" + itoa(offset) + "&since=2024-01-01T00%3A00%3A00Z>"
	}
	for _, tc := range []struct {
		name  string
		page  obapi.Page
		total int
		want  []string
	}{
		{"empty list", obapi.Page{Limit: 2}, 0, []string{at(2, 0) + `; rel="last"`, at(2, 0) + `; rel="first"`}},
		{"one complete page", obapi.Page{Limit: 2}, 2, []string{at(2, 0) + `; rel="last"`, at(2, 0) + `; rel="first"`}},
		{"first of three", obapi.Page{Limit: 2}, 5, []string{
			at(2, 2) + `; rel="next"`, at(2, 4) + `; rel="last"`, at(2, 0) + `; rel="first"`}},
		{"middle", obapi.Page{Limit: 2, Offset: 2}, 5, []string{
			at(2, 4) + `; rel="next"`, at(2, 4) + `; rel="last"`, at(2, 0) + `; rel="first"`, at(2, 0) + `; rel="prev"`}},
		{"last", obapi.Page{Limit: 2, Offset: 4}, 5, []string{
			at(2, 4) + `; rel="last"`, at(2, 0) + `; rel="first"`, at(2, 2) + `; rel="prev"`}},
		{"offset off the grid", obapi.Page{Limit: 2, Offset: 1}, 5, []string{
			at(2, 3) + `; rel="next"`, at(2, 4) + `; rel="last"`, at(2, 0) + `; rel="first"`, at(2, 0) + `; rel="prev"`}},
		{"beyond the end", obapi.Page{Limit: 2, Offset: 10}, 5, []string{
			at(2, 4) + `; rel="last"`, at(2, 0) + `; rel="first"`, at(2, 8) + `; rel="prev"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := obapi.Links(list, tc.page, tc.total)
			if want := strings.Join(tc.want, ", "); got != want {
				t.Errorf("Links =\n%s\nwant\n%s", got, want)
			}
		})
	}
	if obapi.TotalCount(12) != "12" {
		t.Error("TotalCount")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func FuzzParsePage(f *testing.F) {
	for _, q := range []string{"", "limit=5&offset=10", "since=2024-05-01T12:00:00Z", "limit=0", "offset=-1&limit=x", "limit=1&limit=2"} {
		f.Add(q, 7)
	}
	list, _ := url.Parse("https://backpack.example/ims/ob/v3p0/credentials")
	f.Fuzz(func(t *testing.T, query string, total int) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, err := obapi.ParsePage(q, 20, 100)
		if err != nil {
			var qe *obapi.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("refusal %v is not a QueryError", err)
			}
			return
		}
		if p.Limit < 1 || p.Limit > 100 || p.Offset < 0 {
			t.Fatalf("accepted page %+v", p)
		}
		total = max(0, total%100000)
		links := obapi.Links(list, p, total)
		if !strings.Contains(links, `rel="first"`) || !strings.Contains(links, `rel="last"`) ||
			strings.Contains(links, `rel="prev"`) != (p.Offset > 0) || strings.Contains(links, `rel="next"`) != (p.Offset+p.Limit < total) {
			t.Fatalf("Links(%+v, %d) = %s", p, total, links)
		}
	})
}
