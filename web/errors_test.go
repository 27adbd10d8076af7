package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestErrors_OneMappingForPagesAndJSON checks that the one error handler
// gives a store "not found" (a badge that is not the learner's) the same
// status as a page and as JSON, with the code and the safe message, and
// that an internal failure shows neither its text nor a code beyond
// "internal" to a JSON client.
func TestErrors_OneMappingForPagesAndJSON(t *testing.T) {
	t.Parallel()
	e := MustStart(t)
	b := e.browser()
	b.devSignIn("Ada", "ada@example.org")

	page := b.get("/badges/no-such-badge")
	if page.StatusCode != http.StatusNotFound || !strings.Contains(page.Doc.Find(`[data-testid="error-message"]`).Text(), "no such badge") {
		t.Fatalf("page: %d\n%s", page.StatusCode, page.Body)
	}

	req, _ := http.NewRequest(http.MethodGet, b.url("/badges/no-such-badge"), nil)
	req.Header.Set("Accept", "application/json")
	p := b.do(req)
	var body struct{ Code, Error, Title string }
	if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
		t.Fatalf("not JSON (%v): %s", err, p.Body)
	}
	if p.StatusCode != http.StatusNotFound || body.Code != "not_found" || !strings.Contains(body.Error, "no such badge") {
		t.Fatalf("JSON: %d %+v", p.StatusCode, body)
	}

	e.db.Close() // every query now fails inside the store
	req, _ = http.NewRequest(http.MethodGet, b.url("/account"), nil)
	req.Header.Set("Accept", "application/json")
	p = b.do(req)
	if p.StatusCode != http.StatusInternalServerError || !strings.Contains(p.Body, `"code":"internal"`) ||
		strings.Contains(p.Body, "closed") || strings.Contains(p.Body, "sql") {
		t.Fatalf("internal error as JSON: %d %s", p.StatusCode, p.Body)
	}
}
