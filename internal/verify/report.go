// Package verify decides whether a badge is genuine and explains why, as an
// ordered list of checks.
package verify

import (
	"time"

	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/keys"
)

// Status is the outcome of one check.
type Status string

const (
	Passed  Status = "passed"
	Warning Status = "warning"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	// Unconfirmed: the key check when the signature verifies with a key the
	// issuer has not been shown to own.
	Unconfirmed Status = "unconfirmed"
)

// Verdict sums up a report.
type Verdict string

const (
	Valid     Verdict = "valid"
	ValidWarn Verdict = "warning" // valid, with warnings
	// VerdictUnconfirmed: every check passed, but the signing key is not
	// proven to be the issuer's ("Signed, issuer not confirmed"). Never
	// shown as valid.
	VerdictUnconfirmed Verdict = "unconfirmed"
	Invalid            Verdict = "invalid"
)

// Reason says, as a stable code, what decided a verdict that is not valid:
// the most important failed check, in the fixed order below (earlier wins).
type Reason string

const (
	ReasonNotBadge     Reason = "not-badge"       // the input is not a badge at all
	ReasonUnreadable   Reason = "unreadable"      // the badge, or what it points to, could not be read
	ReasonRecipient    Reason = "wrong-recipient" // issued to someone else
	ReasonKeyNotIssuer Reason = "key-not-issuer"  // signed (or hosted) by someone other than the issuer
	ReasonSignature    Reason = "signature"       // the signature does not verify, or cannot be checked
	ReasonRevoked      Reason = "revoked"
	ReasonExpired      Reason = "expired"     // past its expiry date
	ReasonDates        Reason = "dates"       // not valid yet, or dates that contradict each other
	ReasonSchema       Reason = "schema"      // structure, vocabulary (@context), type, JSON Schema
	ReasonInternal     Reason = "internal"    // Satchel itself failed
	ReasonUnconfirmed  Reason = "unconfirmed" // every check passed; the issuer is not confirmed
	// ReasonUnreachable: every failure was a server that could not be
	// reached, or answered with an error; the badge may well be fine.
	ReasonUnreachable Reason = "unreachable"
)

// reasonOrder ranks the reasons of failed checks, most important first.
var reasonOrder = []Reason{ReasonNotBadge, ReasonUnreadable, ReasonRecipient, ReasonKeyNotIssuer, ReasonSignature,
	ReasonRevoked, ReasonExpired, ReasonDates, ReasonSchema, ReasonInternal}

// checkReasons is the reason a failed check of each id gives, unless the
// check says otherwise (Check.Reason).
var checkReasons = map[string]Reason{
	"format": ReasonUnreadable, "fetch": ReasonUnreadable, "hosted": ReasonUnreadable, "moved": ReasonUnreadable,
	"badgeclass": ReasonUnreadable, "issuer": ReasonUnreadable,
	"recipient":     ReasonRecipient,
	"issuer-policy": ReasonKeyNotIssuer,
	"key":           ReasonSignature, "signature": ReasonSignature, "proof": ReasonSignature, "jwt-claims": ReasonSignature,
	"revocation": ReasonRevoked, "revocation-list": ReasonRevoked,
	"expiry": ReasonExpired, "issued": ReasonDates, "expiry-order": ReasonDates,
	"context": ReasonSchema, "type": ReasonSchema, "structure": ReasonSchema, "schema": ReasonSchema,
	"image": ReasonSchema, "extensions": ReasonSchema, "issuer-id": ReasonSchema, "jwt-format": ReasonSchema,
	"internal": ReasonInternal,
}

// Check is one step of verification.
type Check struct {
	ID      string `json:"id"` // stable, e.g. "signature", "revocation", "expiry"
	Status  Status `json:"status"`
	Message string `json:"message"` // a sentence a learner understands, in English
	// Says is Message as catalog messages, to say it in another language
	// (see Check.Say); empty in reports stored before it existed.
	Says   []i18n.Phrase `json:"says,omitempty"`
	Detail string        `json:"detail,omitempty"` // technical detail
	// Reason is what a failure of this check means (see Reason); the
	// check's id decides it unless set.
	Reason Reason `json:"reason,omitempty"`
	// Transient: the check failed only because a server could not be
	// reached or answered with an error (5xx, 429), not because of the
	// badge; checking again later may pass.
	Transient bool `json:"transient,omitempty"`
}

// Report is the result of verifying one badge.
type Report struct {
	Checks  []Check   `json:"checks"`
	Verdict Verdict   `json:"verdict"`
	RanAt   time.Time `json:"ran_at"`
	// Reason is why the verdict is not valid ("" when it is).
	Reason Reason `json:"reason,omitempty"`
	// Headline is the sentence that says so: the message of the most
	// important failed check (or of the unconfirmed key check).
	Headline string `json:"headline,omitempty"`
	// HeadlineSays is Headline as catalog messages (see Check.Says).
	HeadlineSays []i18n.Phrase `json:"headlineSays,omitempty"`
	// IssuerBinding says how the signing key was tied to the issuer
	// (keys.Binding: did-document, hosted-document, self-key, unconfirmed);
	// the weakest of several proofs. Empty when no key was checked.
	IssuerBinding keys.Binding `json:"issuerBinding,omitempty"`
	// IssuerWhere names what confirmed the issuer (or could not), e.g.
	// "example.edu" or a DID.
	IssuerWhere string `json:"issuerWhere,omitempty"`
}

// Add appends a check.
func (r *Report) Add(id string, s Status, message, detail string) {
	r.Checks = append(r.Checks, Check{ID: id, Status: s, Message: message, Detail: detail})
}

// reasonOf is the reason a failed check gives.
func (c Check) reasonOf() Reason {
	if c.Reason != "" {
		return c.Reason
	}
	if r, ok := checkReasons[c.ID]; ok {
		return r
	}
	return ReasonSchema
}

// Finish computes the verdict: invalid when any check failed, unconfirmed
// when the key is not proven the issuer's, warning when any warned, valid
// otherwise; and the reason and headline of a verdict that is not valid.
func (r *Report) Finish() {
	r.Verdict, r.Reason, r.Headline, r.HeadlineSays = Valid, "", "", nil
	best := len(reasonOrder)
	transientOnly := true
	var unconfirmed, firstTransient *Check
	for _, c := range r.Checks {
		switch c.Status {
		case Failed:
			r.Verdict = Invalid
			if c.Transient {
				if firstTransient == nil {
					firstTransient = &c
				}
				continue
			}
			transientOnly = false
			for i, reason := range reasonOrder[:best] {
				if c.reasonOf() == reason {
					best, r.Reason = i, reason
					r.Headline, r.HeadlineSays = c.Message, c.Says
					break
				}
			}
		case Unconfirmed:
			if unconfirmed == nil {
				unconfirmed = &c
			}
		case Warning:
			if r.Verdict == Valid {
				r.Verdict = ValidWarn
			}
		}
	}
	switch {
	case r.Verdict == Invalid && transientOnly:
		r.Reason = ReasonUnreachable
		if firstTransient != nil {
			r.Headline, r.HeadlineSays = firstTransient.Message, firstTransient.Says
		}
	case r.Verdict == Invalid:
	case unconfirmed != nil:
		r.Verdict, r.Reason = VerdictUnconfirmed, ReasonUnconfirmed
		r.Headline, r.HeadlineSays = unconfirmed.Message, unconfirmed.Says
	}
}

// Standing is what a stored badge shows of a report: the verdict, except
// that a badge revoked or expired says so, one whose only failures were
// servers that could not be reached is "unverified" (its verdict waits for
// the next check), and the recipient check does not count (a stored badge
// was matched to its learner when imported). The values are the stored
// badge statuses.
func (r *Report) Standing() string {
	if r == nil {
		return "unverified"
	}
	var revoked, expired, unreachable, other, unconfirmed, warned bool
	for _, c := range r.Checks {
		if c.ID == "recipient" {
			continue
		}
		switch c.Status {
		case Failed:
			switch {
			case c.reasonOf() == ReasonRevoked && !c.Transient:
				revoked = true
			case c.ID == "expiry":
				expired = true
			case c.Transient:
				unreachable = true
			default:
				other = true
			}
		case Unconfirmed:
			unconfirmed = true
		case Warning:
			warned = true
		}
	}
	switch {
	case revoked:
		return "revoked"
	case other:
		return "invalid"
	case unreachable:
		return "unverified"
	case expired:
		return "expired"
	case unconfirmed:
		return "unconfirmed"
	case warned:
		return "warning"
	}
	return "valid"
}
