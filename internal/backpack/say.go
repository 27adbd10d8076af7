package backpack

import (
	"context"
	"math"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"github.com/satchel-backpack/satchel/internal/verify"
)

// words is a sentence for the learner: its English text and the catalog
// messages that say it in another language ([refusal] and [check] tables).
// lost marks a sentence with a part that has no catalog message (a check
// stored before checks kept theirs): it is then said in English only.
type words struct {
	text string
	says []i18n.Phrase
	lost bool
}

// say is the catalog message id with values as name, value pairs.
func say(id string, kv ...string) words {
	p := i18n.Phrase{ID: id}
	if len(kv) > 0 {
		p.Vars = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Vars[kv[i]] = kv[i+1]
		}
	}
	return words{text: i18n.Say(context.Background(), p), says: []i18n.Phrase{p}}
}

// phrases are sentences the verifier said; text is their English.
func phrases(text string, says []i18n.Phrase) words {
	return words{text: text, says: says, lost: text != "" && len(says) == 0}
}

// and is w followed by o, separated by a space (join).
func (w words) and(o words) words {
	return words{text: join(w.text, o.text), says: append(append([]i18n.Phrase{}, w.says...), o.says...), lost: w.lost || o.lost}
}

// kept is w as a result keeps it: its English, and its catalog messages
// unless part of it has none (then it is said in English only).
func (w words) kept() (string, []i18n.Phrase) {
	if w.lost {
		return w.text, nil
	}
	return w.text, w.says
}

// sayIn is a kept sentence in the context's language: its catalog
// messages, or its English when it has none.
func sayIn(ctx context.Context, text string, says []i18n.Phrase) string {
	if len(says) == 0 {
		return text
	}
	return i18n.Say(ctx, says...)
}

// tell sets the result's message to w.
func (r *ImportResult) tell(w words) { r.Message, r.Says = w.kept() }

// MessageIn is the result's message in the context's language.
func (r ImportResult) MessageIn(ctx context.Context) string { return sayIn(ctx, r.Message, r.Says) }

// DetailsIn are the result's details in the context's language.
func (r ImportResult) DetailsIn(ctx context.Context) []string {
	if len(r.Details) == 0 {
		return r.Details
	}
	out := make([]string, len(r.Details))
	for i, d := range r.Details {
		var says []i18n.Phrase
		if i < len(r.DetailSays) {
			says = r.DetailSays[i]
		}
		out[i] = sayIn(ctx, d, says)
	}
	return out
}

// checkWords is what a check said.
func checkWords(c *verify.Check) words {
	if c == nil {
		return words{}
	}
	return phrases(c.Message, c.Says)
}

// headlineWords is the report's headline.
func headlineWords(rep *verify.Report) words { return phrases(rep.Headline, rep.HeadlineSays) }

// failedWords is the message of the failed check id, if any.
func failedWords(rep *verify.Report, id string) words {
	for i, c := range rep.Checks {
		if c.ID == id && c.Status == verify.Failed {
			return checkWords(&rep.Checks[i])
		}
	}
	return words{}
}

// issuedTo fills the placeholder Kind of w with whom b was issued to.
func issuedTo(w words, b *badge.Badge) words {
	kinds := badge.RecipientTypes(b)
	term := ""
	if len(kinds) == 1 {
		switch kinds[0] {
		case "email":
			term = "check.term.recipient_email"
		case "url":
			term = "check.term.recipient_url"
		case "telephone":
			term = "check.term.recipient_telephone"
		case "id":
			term = "check.term.recipient_id"
		}
	}
	p := &w.says[0]
	if term != "" {
		p.Terms = map[string]string{"Kind": term}
	} else {
		p.Vars = map[string]string{"Kind": badge.IssuedTo(b)}
	}
	w.text = i18n.Say(context.Background(), w.says...)
	return w
}

// limitWords says the hourly import allowance of limit badges is used up,
// and to try again after wait (the English says the wait as WaitWords).
func limitWords(limit int, wait time.Duration) words {
	var p i18n.Phrase
	switch {
	case wait <= time.Second:
		p = i18n.Phrase{ID: "refusal.limit_seconds", Count: 1}
	case wait < time.Minute:
		p = i18n.Phrase{ID: "refusal.limit_seconds", Count: int(math.Ceil(wait.Seconds()))}
	case wait <= time.Minute:
		p = i18n.Phrase{ID: "refusal.limit_minutes", Count: 1}
	default:
		p = i18n.Phrase{ID: "refusal.limit_minutes", Count: int(math.Ceil(wait.Minutes()))}
	}
	p.Nums = map[string]int{"Limit": limit}
	return words{text: i18n.Say(context.Background(), p), says: []i18n.Phrase{p}}
}
