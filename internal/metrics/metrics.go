// Package metrics keeps Satchel's operational metrics in Prometheus form:
// requests by route pattern and status with their latency, verifications
// by outcome and duration, the background re-check's queue and results,
// and the database pools' use. Every method is safe on a nil *Metrics,
// which records nothing, so code that reports need not check whether
// metrics are on.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors, registered in their own registry.
type Metrics struct {
	reg            *prometheus.Registry
	requests       *prometheus.CounterVec
	requestLatency *prometheus.HistogramVec
	verifications  *prometheus.CounterVec
	verifyLatency  *prometheus.HistogramVec
	rechecks       *prometheus.CounterVec
}

// New returns the metrics with Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "satchel_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		requestLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "satchel_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "satchel_verifications_total",
			Help: "Badge verifications, by outcome (the status the badge gets: valid, warning, unconfirmed, expired, revoked, invalid, unverified).",
		}, []string{"outcome"}),
		verifyLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "satchel_verification_duration_seconds",
			Help:    "Time one badge verification took, fetches included, by outcome.",
			Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 45},
		}, []string{"outcome"}),
		rechecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "satchel_recheck_results_total",
			Help: "Badges handled by the background re-check, by result: expired (date passed), checked (a definite verdict), changed (of those, the status changed), transient (issuer unreachable, verdict kept).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.requestLatency, m.verifications, m.verifyLatency, m.rechecks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveRequest counts one answered request. route is the route's pattern
// ("/badges/:id"), never the path itself, so that ids do not multiply the
// series; an unmatched request has route "".
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestLatency.WithLabelValues(route, method).Observe(d.Seconds())
}

// ObserveVerification counts one verification and its duration.
func (m *Metrics) ObserveVerification(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.verifications.WithLabelValues(outcome).Inc()
	m.verifyLatency.WithLabelValues(outcome).Observe(d.Seconds())
}

// AddRechecks counts what one pass of the background re-check did.
func (m *Metrics) AddRechecks(expired, checked, changed, transient int) {
	if m == nil {
		return
	}
	for result, n := range map[string]int{"expired": expired, "checked": checked, "changed": changed, "transient": transient} {
		if n > 0 {
			m.rechecks.WithLabelValues(result).Add(float64(n))
		}
	}
}

// WatchQueue reports the background re-check's queue depth (badges due
// now), asked of due at each scrape.
func (m *Metrics) WatchQueue(due func(ctx context.Context) (int, error)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "satchel_recheck_due_badges",
		Help: "Badges due for a background re-check now (the queue); -1 when the database could not say.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := due(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// WatchPools reports the database connection pools' use, asked of stats
// (by pool name) at each scrape.
func (m *Metrics) WatchPools(stats func() map[string]sql.DBStats) {
	if m == nil {
		return
	}
	m.reg.MustRegister(&poolCollector{stats: stats})
}

var (
	poolOpen  = prometheus.NewDesc("satchel_db_connections_open", "Open database connections, by pool.", []string{"pool"}, nil)
	poolInUse = prometheus.NewDesc("satchel_db_connections_in_use", "Database connections in use, by pool.", []string{"pool"}, nil)
	poolIdle  = prometheus.NewDesc("satchel_db_connections_idle", "Idle database connections, by pool.", []string{"pool"}, nil)
	poolMax   = prometheus.NewDesc("satchel_db_connections_max", "The most connections a pool opens.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("satchel_db_waits_total", "Times a request waited for a free connection, by pool.", []string{"pool"}, nil)
	poolWait  = prometheus.NewDesc("satchel_db_wait_seconds_total", "Time spent waiting for a free connection, by pool.", []string{"pool"}, nil)
)

// poolCollector turns sql.DBStats into metrics at scrape time.
type poolCollector struct {
	stats func() map[string]sql.DBStats
}

func (p *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWait} {
		ch <- d
	}
}

func (p *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, s := range p.stats() {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), name)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle), name)
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, s.WaitDuration.Seconds(), name)
	}
}
