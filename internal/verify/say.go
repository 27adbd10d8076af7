package verify

import (
	"context"

	"errors"
	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/i18n"
	"net/url"
	"strconv"
	"time"
)

// msg is a check's sentence as catalog messages (the [check.*] tables of
// internal/i18n's catalogs): its English text is the check's Message, and
// the phrases let a page say it in its reader's language.
type msg []i18n.Phrase

// say is the message id with values given as name, value pairs.
func say(id string, kv ...string) msg {
	p := i18n.Phrase{ID: id}
	if len(kv) > 0 {
		p.Vars = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p.Vars[kv[i]] = kv[i+1]
		}
	}
	return msg{p}
}

// term fills the placeholder name of the last phrase with the message id,
// said in the same language.
func (m msg) term(name, id string) msg {
	last := &m[len(m)-1]
	if last.Terms == nil {
		last.Terms = map[string]string{}
	}
	last.Terms[name] = id
	return m
}

// at fills the placeholder name of the last phrase with the moment t.
func (m msg) at(name string, t time.Time) msg {
	last := &m[len(m)-1]
	if last.Times == nil {
		last.Times = map[string]time.Time{}
	}
	last.Times[name] = t
	return m
}

// num fills the placeholder name of the last phrase with the number n.
func (m msg) num(name string, n int) msg {
	last := &m[len(m)-1]
	if last.Nums == nil {
		last.Nums = map[string]int{}
	}
	last.Nums[name] = n
	return m
}

// count makes the last phrase a counted message for n.
func (m msg) count(n int) msg {
	m[len(m)-1].Count = n
	return m
}

// then is m followed by the sentences of n.
func (m msg) then(n msg) msg { return append(append(msg{}, m...), n...) }

// text is the message in English, as stored in Check.Message.
func (m msg) text() string { return i18n.Say(context.Background(), m...) }

// add appends a check whose sentence is m.
func (r *Report) add(id string, s Status, m msg, detail string) {
	r.Checks = append(r.Checks, Check{ID: id, Status: s, Message: m.text(), Says: m, Detail: detail})
}

// Say is the check's sentence in the context's language; a check stored
// before checks kept their message ids says its English Message.
func (c Check) Say(ctx context.Context) string {
	if len(c.Says) == 0 {
		return c.Message
	}
	return i18n.Say(ctx, c.Says...)
}

// SayHeadline is the report's headline in the context's language.
func (r *Report) SayHeadline(ctx context.Context) string {
	if len(r.HeadlineSays) == 0 {
		return r.Headline
	}
	return i18n.Say(ctx, r.HeadlineSays...)
}

// fetchMsg explains a fetch failure to a learner, as a sentence (the
// English is fetchMessage's).
func fetchMsg(err error) msg {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		host := say("").term("Host", "check.fetch_error.that_address")[0]
		if u, perr := url.Parse(fe.URL); perr == nil && u.Host != "" {
			host = i18n.Phrase{Vars: map[string]string{"Host": u.Host}}
		}
		var m msg
		switch fe.Kind {
		case fetch.Blocked:
			m = say("check.fetch_error.blocked")
		case fetch.TooLarge:
			m = say("check.fetch_error.too_large", "Size", fetch.SizeText(fe.Limit))
		case fetch.Timeout:
			m = say("check.fetch_error.timeout")
		case fetch.BadScheme:
			return say("check.fetch_error.bad_scheme")
		case fetch.TooManyRedirects:
			m = say("check.fetch_error.too_many_redirects").num("Max", fe.Max)
		case fetch.BadContentType:
			if fe.ContentType == "" {
				m = say("check.fetch_error.bad_content_type_none", "Want", fe.Want)
			} else {
				m = say("check.fetch_error.bad_content_type", "Got", fe.ContentType, "Want", fe.Want)
			}
		case fetch.BadURL:
			return say("check.fetch_error.bad_url")
		case fetch.NoSuchHost:
			m = say("check.fetch_error.no_such_host")
		case fetch.BadCertificate:
			m = say("check.fetch_error.bad_certificate")
		default:
			m = say("check.fetch_error.unreachable")
		}
		if m[0].Vars == nil {
			m[0].Vars = map[string]string{}
		}
		for k, v := range host.Vars {
			m[0].Vars[k] = v
		}
		for k, v := range host.Terms {
			m = m.term(k, v)
		}
		return m
	}
	var se *statusError
	if errors.As(err, &se) {
		switch se.status {
		case 404:
			return say("check.fetch_error.not_found")
		case 410:
			return say("check.fetch_error.gone")
		}
		return say("check.fetch_error.status", "Status", strconv.Itoa(se.status))
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return say("check.fetch_error.too_long")
	}
	return say("check.fetch_error.unknown")
}

// fetchMessage explains a fetch failure to a learner, in English.
func fetchMessage(err error) string { return fetchMsg(err).text() }

// readErrMsg says why badge.Read could not read what was given.
func readErrMsg(err error) msg {
	var m *badge.MalformedError
	switch {
	case errors.Is(err, badge.ErrNoBadgeData):
		return say("check.read.no_badge_data")
	case errors.Is(err, badge.ErrNotBadge):
		return say("check.read.not_badge")
	case errors.As(err, &m):
		what := "check.read.what_badge"
		switch m.Format {
		case badge.FormatPNG:
			what = "check.read.what_png"
		case badge.FormatSVG:
			what = "check.read.what_svg"
		case badge.FormatJSON:
			what = "check.read.what_json"
		case badge.FormatJWS:
			what = "check.read.what_jws"
		case badge.FormatURL:
			what = "check.read.what_url"
		}
		return say("check.read.malformed", "Reason", m.Reason).term("What", what)
	}
	return say("check.read.unknown", "Error", sentence(err.Error()))
}

// formatTerm is the message naming how a badge was carried.
func formatTerm(f badge.Format) string {
	switch f {
	case badge.FormatPNG:
		return "check.term.format_png"
	case badge.FormatSVG:
		return "check.term.format_svg"
	case badge.FormatJWS:
		return "check.term.format_jws"
	case badge.FormatURL:
		return "check.term.format_url"
	default:
		return "check.term.format_json"
	}
}

// describeFormat names how a badge was carried, in English.
func describeFormat(f badge.Format) string { return say(formatTerm(f)).text() }

// recipientTerm names the kind of identifier a badge was issued to, when it
// names one kind Satchel knows ("" otherwise).
func recipientTerm(b *badge.Badge) string {
	types := badge.RecipientTypes(b)
	if len(types) != 1 {
		return ""
	}
	switch types[0] {
	case "email":
		return "check.term.recipient_email"
	case "url":
		return "check.term.recipient_url"
	case "telephone":
		return "check.term.recipient_telephone"
	case "id":
		return "check.term.recipient_id"
	}
	return ""
}

// issuedTo fills the placeholder Kind of m with whom b was issued to.
func issuedTo(m msg, b *badge.Badge) msg {
	if t := recipientTerm(b); t != "" {
		return m.term("Kind", t)
	}
	m[0].Vars = map[string]string{"Kind": badge.IssuedTo(b)}
	return m
}

// ReadError says, as catalog messages, why badge.Read could not read what
// was given (the English is the error's own sentence).
func ReadError(err error) []i18n.Phrase { return readErrMsg(err) }

// ExpiredCheck is the failed expiry check of a badge that expired on the
// day of expires, for a stored report brought up to date without verifying
// again.
func ExpiredCheck(expires time.Time) Check {
	m := say("check.dates.expired_day")
	m[0].Days = map[string]time.Time{"Date": expires.UTC()}
	return Check{ID: "expiry", Status: Failed, Message: m.text(), Says: m, Detail: expires.UTC().Format(time.RFC3339)}
}
