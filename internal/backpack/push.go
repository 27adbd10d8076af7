package backpack

import (
	"context"

	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// Sender is a connected platform pushing badges into a backpack through
// the Open Badges 3.0 API or Badge Connect.
type Sender struct {
	ClientID int64  // the platform's internal id (store.OAuthClient.ID)
	Name     string // its name, as the learner allowed it
}

// Push takes one badge a platform sent for the learner (a credential or
// assertion as JSON, a compact JWS, a baked image): it is read, verified
// and matched to the learner's verified identities exactly as an upload
// is, and counts against the same hourly allowance. Unlike an upload, a
// badge that does not verify (forged, withdrawn, expired, or one Satchel
// cannot check now) is refused rather than kept with a warning: nothing
// arrives in a backpack unseen unless it is genuine. A kept badge is
// marked as the platform's, to be announced on the learner's next visit.
//
// The result's Outcome is Added, Replaced (a newer issue of the same 3.0
// credential), Duplicate (already there) or Refused, with the reason in
// Message. Going over the allowance is a fail.RateLimited error.
func (s *Service) Push(ctx context.Context, userID int64, from Sender, data []byte) (ImportResult, error) {
	ctx, cancel := context.WithTimeout(ctx, ImportBudget)
	defer cancel()
	ids, err := s.db.VerifiedIdentifiers(ctx, userID)
	if err != nil {
		return ImportResult{}, err
	}
	w, err := s.importLimit(ctx, userID)
	if err != nil {
		return ImportResult{}, err
	}
	if w.text != "" {
		return ImportResult{}, &fail.Error{Code: fail.RateLimited, Message: w.text, Says: w.says}
	}
	return s.importOne(ctx, userID, ids, Item{Source: from.Name, Data: data, From: &from}), nil
}

// notPushable is why a pushed badge that passed the upload's checks is
// still refused: only genuine, current badges are accepted unseen.
func notPushable(rep *verify.Report) words {
	switch StatusOf(rep) {
	case store.StatusValid, store.StatusWarning:
		return words{}
	case store.StatusExpired:
		return say("refusal.push_expired").and(failedWords(rep, "expiry"))
	case store.StatusRevoked:
		return say("refusal.push_revoked").and(failedWords(rep, "revocation"))
	default:
		return say("refusal.push_unconfirmed").and(headlineWords(rep))
	}
}
