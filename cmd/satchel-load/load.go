package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// loadResult is what one load run measured.
type loadResult struct {
	Requests int           // completed with the expected status
	Errors   int           // transport errors and unexpected statuses
	Elapsed  time.Duration // wall time of the measured run
	Bytes    int64         // response body bytes read
	// Latencies of the successful requests, sorted.
	Latencies []time.Duration
	// FirstError describes one failure, for the report.
	FirstError string
}

// RPS is successful requests per second.
func (r *loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile is the latency below which p (0–100) per cent of the
// successful requests finished (nearest rank).
func (r *loadResult) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	rank := int(p/100*float64(n)+0.999999) - 1
	return r.Latencies[min(max(rank, 0), n-1)]
}

// loadSpec says what to load.
type loadSpec struct {
	URL         string
	Header      http.Header // sent with every request (the session cookie)
	Concurrency int
	Duration    time.Duration
	Warmup      time.Duration
	WantStatus  int
}

// runLoad sends GET requests to spec.URL from spec.Concurrency workers, each
// one request at a time over its own keep-alive connection, first for the
// warm-up (not counted) and then for spec.Duration. It stops by itself: no
// request starts after the deadline and every request is bounded by a
// timeout.
func runLoad(ctx context.Context, spec loadSpec) (*loadResult, error) {
	if spec.Concurrency < 1 || spec.Duration <= 0 {
		return nil, fmt.Errorf("concurrency and duration must be positive")
	}
	if spec.WantStatus == 0 {
		spec.WantStatus = http.StatusOK
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        spec.Concurrency,
		MaxIdleConnsPerHost: spec.Concurrency,
		MaxConnsPerHost:     spec.Concurrency,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true, // measure the page, not gzip in the client
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		Timeout:   30 * time.Second,
		// A redirect (to the sign-in page) is an error, not a page.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if spec.Warmup > 0 {
		if _, err := phase(ctx, client, spec, spec.Warmup); err != nil {
			return nil, err
		}
	}
	return phase(ctx, client, spec, spec.Duration)
}

func phase(ctx context.Context, client *http.Client, spec loadSpec, d time.Duration) (*loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d+client.Timeout)
	defer cancel()
	type worker struct {
		lat      []time.Duration
		ok, errs int
		bytes    int64
		firstErr string
	}
	workers := make([]worker, spec.Concurrency)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, spec.URL, nil)
				if err != nil {
					w.errs++
					w.firstErr = err.Error()
					return
				}
				for k, v := range spec.Header {
					req.Header[k] = v
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						w.errs++
						if w.firstErr == "" {
							w.firstErr = err.Error()
						}
					}
					continue
				}
				n, err := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				el := time.Since(t0)
				switch {
				case err != nil:
					w.errs++
					if w.firstErr == "" {
						w.firstErr = "reading the body: " + err.Error()
					}
				case res.StatusCode != spec.WantStatus:
					w.errs++
					if w.firstErr == "" {
						w.firstErr = fmt.Sprintf("status %d (want %d), Location %q", res.StatusCode, spec.WantStatus, res.Header.Get("Location"))
					}
				default:
					w.ok++
					w.bytes += n
					w.lat = append(w.lat, el)
				}
			}
		}()
	}
	wg.Wait()
	r := &loadResult{Elapsed: time.Since(start)}
	for _, w := range workers {
		r.Requests += w.ok
		r.Errors += w.errs
		r.Bytes += w.bytes
		r.Latencies = append(r.Latencies, w.lat...)
		if r.FirstError == "" {
			r.FirstError = w.firstErr
		}
	}
	slices.Sort(r.Latencies)
	return r, nil
}

// report prints one run's figures.
func report(w io.Writer, label string, r *loadResult) {
	fmt.Fprintf(w, "%s\n", label)
	fmt.Fprintf(w, "  requests  %d in %.1fs = %.1f requests/s\n", r.Requests, r.Elapsed.Seconds(), r.RPS())
	if r.Requests > 0 {
		fmt.Fprintf(w, "  latency   p50 %s   p95 %s   p99 %s   max %s\n",
			ms(r.Percentile(50)), ms(r.Percentile(95)), ms(r.Percentile(99)), ms(r.Percentile(100)))
		fmt.Fprintf(w, "  page      %.1f KiB\n", float64(r.Bytes)/float64(r.Requests)/1024)
	}
	fmt.Fprintf(w, "  errors    %d", r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(w, " (first: %s)", r.FirstError)
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
