// Package verify decides whether a badge is genuine and explains why, as an
// ordered list of checks.
package verify

import "time"

// Status is the outcome of one check.
type Status string

const (
	Passed  Status = "passed"
	Warning Status = "warning"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Verdict sums up a report.
type Verdict string

const (
	Valid     Verdict = "valid"
	ValidWarn Verdict = "warning" // valid, with warnings
	Invalid   Verdict = "invalid"
)

// Check is one step of verification.
type Check struct {
	ID      string `json:"id"` // stable, e.g. "signature", "revocation", "expiry"
	Status  Status `json:"status"`
	Message string `json:"message"`          // a sentence a learner understands
	Detail  string `json:"detail,omitempty"` // technical detail
}

// Report is the result of verifying one badge.
type Report struct {
	Checks  []Check   `json:"checks"`
	Verdict Verdict   `json:"verdict"`
	RanAt   time.Time `json:"ran_at"`
}

// Add appends a check.
func (r *Report) Add(id string, s Status, message, detail string) {
	r.Checks = append(r.Checks, Check{ID: id, Status: s, Message: message, Detail: detail})
}

// Finish computes the verdict: invalid when any check failed, warning when
// any warned, valid otherwise.
func (r *Report) Finish() {
	r.Verdict = Valid
	for _, c := range r.Checks {
		switch c.Status {
		case Failed:
			r.Verdict = Invalid
			return
		case Warning:
			r.Verdict = ValidWarn
		}
	}
}
