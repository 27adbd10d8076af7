package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/satchel-backpack/satchel/internal/paths"
)

// BenchmarkSignedInDashboard is one signed-in page view through the real
// router and database: cookie decode, user lookup, logins query, render.
func BenchmarkSignedInDashboard(b *testing.B) {
	e := MustStart(b)
	br := e.browser()
	br.devSignIn("Ada", "ada@example.org")
	cookie := br.cookie("satchel_session")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, paths.Home, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkVisitorHome is the front page for a visitor.
func BenchmarkVisitorHome(b *testing.B) {
	e := MustStart(b)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths.Home, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
