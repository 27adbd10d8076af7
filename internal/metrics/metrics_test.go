package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestMetrics_CountWhatTheyAreTold(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	m.ObserveVerification("valid", 30*time.Millisecond)
	m.ObserveVerification("valid", 10*time.Millisecond)
	m.ObserveVerification("revoked", time.Second)
	m.AddRechecks(1, 4, 2, 3)
	m.ObserveRequest("", "GET", 404, time.Millisecond)
	body := scrape(t, m)
	for _, want := range []string{
		`satchel_verifications_total{outcome="valid"} 2`,
		`satchel_verifications_total{outcome="revoked"} 1`,
		`satchel_verification_duration_seconds_sum{outcome="valid"} 0.04`,
		`satchel_recheck_results_total{result="expired"} 1`,
		`satchel_recheck_results_total{result="checked"} 4`,
		`satchel_recheck_results_total{result="changed"} 2`,
		`satchel_recheck_results_total{result="transient"} 3`,
		`satchel_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A nil *Metrics (metrics off) records nothing and does not panic.
func TestMetrics_NilIsOff(t *testing.T) {
	t.Parallel()
	var m *metrics.Metrics
	m.ObserveRequest("/", "GET", 200, time.Millisecond)
	m.ObserveVerification("valid", time.Millisecond)
	m.AddRechecks(1, 1, 1, 1)
	m.WatchPools(nil)
	m.WatchQueue(nil)
}
