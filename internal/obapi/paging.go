package obapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The paging response headers (OB 3.0 § 6.4 "Paging"; OB 2.1
// "Pagination").
const (
	HeaderTotalCount = "X-Total-Count"
	HeaderLink       = "Link"
)

// Page is what a list request (getCredentials, Badge Connect's
// getAssertions) asks for: at most Limit items from the zero-based Offset,
// and when Since is not zero only those issued (or, for Badge Connect,
// created or updated) after it.
type Page struct {
	Limit  int
	Offset int
	Since  time.Time
}

// QueryError is a list query parameter that cannot be read. Its text
// names the parameter and is safe to send to the client; the handler
// answers 400 with Failure(CodeMinorInvalidQueryParameter, err.Error()).
type QueryError struct {
	Param  string
	Reason string
}

func (e *QueryError) Error() string { return fmt.Sprintf("%s: %s", e.Param, e.Reason) }

// maxOffset keeps offsets in a range every database and int size takes.
const maxOffset = 1 << 31

// ParsePage reads limit, offset and since from a list request's query.
// limit is a positive integer (absent: defaultLimit; above maxLimit: capped
// to maxLimit, which the Link header then reflects), offset a
// non-negative integer (absent: 0), since a date-time with a time zone
// (RFC 3339). A parameter given twice, empty or out of range is refused.
func ParsePage(q url.Values, defaultLimit, maxLimit int) (Page, error) {
	p := Page{Limit: defaultLimit}
	if v, ok, err := single(q, "limit"); err != nil {
		return Page{}, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Page{}, &QueryError{"limit", "must be a whole number of at least 1"}
		}
		p.Limit = n
	}
	p.Limit = min(p.Limit, maxLimit)
	if v, ok, err := single(q, "offset"); err != nil {
		return Page{}, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxOffset {
			return Page{}, &QueryError{"offset", "must be a whole number of at least 0"}
		}
		p.Offset = n
	}
	if v, ok, err := single(q, "since"); err != nil {
		return Page{}, err
	} else if ok {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return Page{}, &QueryError{"since", "must be a date and time with a time zone, such as 2024-05-01T12:00:00Z"}
		}
		p.Since = t
	}
	return p, nil
}

// single is q's one value of name, and whether it was given.
func single(q url.Values, name string) (string, bool, error) {
	vs, ok := q[name]
	switch {
	case !ok:
		return "", false, nil
	case len(vs) > 1:
		return "", false, &QueryError{name, "may be given only once"}
	case strings.TrimSpace(vs[0]) == "":
		return "", false, &QueryError{name, "is empty"}
	}
	return vs[0], true, nil
}

// Links is the Link header value (RFC 8288) for page p of a list of total
// items served at list (the request's absolute URL; its other query
// parameters, such as since, are kept). It always has first and last,
// next when items follow this page, and prev when the offset is above
// zero, as both specifications require. Pages are counted from offset 0:
// last is the last multiple of the limit below total (0 for an empty
// list); prev never goes below 0.
func Links(list *url.URL, p Page, total int) string {
	if p.Limit < 1 {
		p.Limit = 1
	}
	last := 0
	if total > 0 {
		last = (total - 1) / p.Limit * p.Limit
	}
	type link struct {
		rel    string
		offset int
	}
	var links []link
	if p.Offset+p.Limit < total {
		links = append(links, link{"next", p.Offset + p.Limit})
	}
	links = append(links, link{"last", last}, link{"first", 0})
	if p.Offset > 0 {
		links = append(links, link{"prev", max(0, p.Offset-p.Limit)})
	}
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = fmt.Sprintf("<%s>; rel=%q", pageURL(list, p.Limit, l.offset), l.rel)
	}
	return strings.Join(parts, ", ")
}

// pageURL is list with its limit and offset replaced.
func pageURL(list *url.URL, limit, offset int) string {
	u := *list
	q := u.Query()
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u.String()
}

// TotalCount is the X-Total-Count header value.
func TotalCount(total int) string { return strconv.Itoa(total) }
