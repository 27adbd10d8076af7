package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/verify"
)

// Exit codes of the badge subcommands.
const (
	exitOK       = 0 // valid, or valid with warnings
	exitInvalid  = 1 // the badge is not valid (or the command failed)
	exitNotBadge = 2 // the input is not a badge at all, or the command line is wrong
)

// maxInput bounds what the badge subcommands read from a file or stdin.
const maxInput = 16 << 20

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// runVerify implements `satchel verify [--recipient IDENTIFIER]... [--json]
// [--allow-host HOST:PORT]... FILE|URL|-`.
func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var recipients, allow listFlag
	asJSON := fs.Bool("json", false, "print the report as JSON")
	timeout := fs.Duration("timeout", verify.DefaultTimeout, "give up after this long")
	fs.Var(&recipients, "recipient", "a verified email address, web address (https://…) or phone number (tel:…) of the learner; repeat for several")
	fs.Var(&allow, "allow-host", "HOST:PORT that may be fetched even though it is local or private (testing); repeat for several")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: satchel verify [--recipient IDENTIFIER]... [--json] [--allow-host HOST:PORT]... FILE|URL|-")
		fmt.Fprintln(stderr, "Checks an Open Badge (baked PNG or SVG, JSON, signed JWS, or the badge's web address) and explains the result.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitNotBadge
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitNotBadge
	}
	var ids []badge.Identifier
	for _, r := range recipients {
		id, err := parseIdentifier(r)
		if err != nil {
			fmt.Fprintln(stderr, "satchel verify:", err)
			return exitNotBadge
		}
		ids = append(ids, id)
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintln(stderr, "satchel verify:", err)
		return exitNotBadge
	}

	client := fetch.New(fetch.Options{AllowHosts: allow})
	defer client.CloseIdleConnections()
	v := verify.New(client, verify.Options{Timeout: *timeout})
	ctx, cancel := context.WithTimeout(context.Background(), *timeout+time.Second)
	defer cancel()
	b, rep, readErr := v.VerifyBytes(ctx, data, ids)

	if *asJSON {
		out := jsonReport{Verdict: rep.Verdict, Reason: rep.Reason, Headline: rep.Headline, IssuerBinding: rep.IssuerBinding,
			IssuerWhere: rep.IssuerWhere, Checks: rep.Checks, Badge: summarize(b), RanAt: rep.RanAt}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "satchel verify:", err)
			return exitInvalid
		}
	} else {
		printReport(stdout, b, rep)
	}
	switch {
	case readErr != nil && (errors.Is(readErr, badge.ErrNotBadge) || errors.Is(readErr, badge.ErrNoBadgeData)):
		return exitNotBadge
	case rep.Verdict == verify.Invalid, rep.Verdict == verify.VerdictUnconfirmed:
		return exitInvalid
	}
	return exitOK
}

// parseIdentifier reads a learner identifier: "email:…", "url:…",
// "tel:…"/"telephone:…", or a bare value whose kind is guessed (an @ means
// email, http(s):// a URL, digits and + a phone number).
func parseIdentifier(s string) (badge.Identifier, error) {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	for _, p := range []struct{ prefix, typ string }{
		{"email:", "email"}, {"mailto:", "email"}, {"url:", "url"}, {"telephone:", "telephone"}, {"tel:", "telephone"},
	} {
		if strings.HasPrefix(low, p.prefix) {
			v := strings.TrimSpace(s[len(p.prefix):])
			if v == "" {
				break
			}
			return badge.Identifier{Type: p.typ, Value: v}, nil
		}
	}
	switch {
	case strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://"):
		return badge.Identifier{Type: "url", Value: s}, nil
	case strings.Contains(s, "@") && !strings.ContainsAny(s, " \t"):
		return badge.Identifier{Type: "email", Value: s}, nil
	case s != "" && strings.Trim(s, "+0123456789 -().") == "":
		return badge.Identifier{Type: "telephone", Value: s}, nil
	}
	return badge.Identifier{}, fmt.Errorf("%q is not an email address, web address or phone number (write email:…, url:… or tel:… to say which)", s)
}

// readInput reads FILE, "-" (stdin) or takes a URL as the badge text.
func readInput(arg string, stdin io.Reader) ([]byte, error) {
	low := strings.ToLower(arg)
	if strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://") {
		return []byte(arg), nil
	}
	if arg == "-" {
		return readCapped(stdin, "standard input")
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", arg, errors.Unwrap(err))
	}
	defer f.Close()
	return readCapped(f, arg)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("%s is larger than %d MiB; a badge is much smaller", name, maxInput>>20)
	}
	return data, nil
}

var statusWords = map[verify.Status]string{
	verify.Passed:      "PASS",
	verify.Warning:     "WARN",
	verify.Failed:      "FAIL",
	verify.Skipped:     "SKIP",
	verify.Unconfirmed: "????",
}

var verdictWords = map[verify.Verdict]string{
	verify.Valid:              "VALID: every check passed.",
	verify.ValidWarn:          "VALID WITH WARNINGS: the badge is genuine, but read the warnings above.",
	verify.Invalid:            "NOT VALID: at least one check failed.",
	verify.VerdictUnconfirmed: "SIGNED, ISSUER NOT CONFIRMED: the signature is intact, but nothing the issuer publishes shows the key is theirs.",
}

// printReport writes the report for people: what the badge is, a line per
// check with its status and message (and the detail of problems), then the
// verdict.
func printReport(w io.Writer, b *badge.Badge, rep *verify.Report) {
	if b != nil && b.Name != "" {
		fmt.Fprintf(w, "Badge: %s\n", b.Name)
		if b.Issuer.Name != "" || b.Issuer.ID != "" {
			fmt.Fprintf(w, "Issuer: %s\n", firstNonEmpty(b.Issuer.Name, b.Issuer.ID))
		}
		fmt.Fprintln(w)
	}
	for _, c := range rep.Checks {
		fmt.Fprintf(w, "%s  %-16s %s\n", statusWords[c.Status], c.ID, c.Message)
		if c.Detail != "" && (c.Status == verify.Failed || c.Status == verify.Warning || c.Status == verify.Unconfirmed) {
			fmt.Fprintf(w, "      %-16s detail: %s\n", "", oneLine(c.Detail))
		}
	}
	fmt.Fprintf(w, "\nVerdict: %s\n", verdictWords[rep.Verdict])
	if rep.Headline != "" {
		fmt.Fprintf(w, "Because: %s\n", rep.Headline)
	}
	if words := bindingWords[rep.IssuerBinding]; words != "" {
		fmt.Fprintf(w, "Issuer: %s (%s)\n", words, rep.IssuerWhere)
	}
	fmt.Fprintf(w, "Checked at %s.\n", rep.RanAt.UTC().Format(time.RFC3339))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, e := range s {
		if e != "" {
			return e
		}
	}
	return ""
}

var bindingWords = map[keys.Binding]string{
	keys.DIDDocument:    "key published in the issuer's DID document",
	keys.HostedDocument: "key published at the issuer's address",
	keys.SelfKey:        "the issuer is the key itself (did:key): anyone can create such an issuer",
	keys.Unconfirmed:    "not confirmed",
}

// jsonReport is the --json output. issuerBinding is did-document,
// hosted-document, self-key or unconfirmed (empty when no key was checked).
type jsonReport struct {
	Verdict       verify.Verdict `json:"verdict"`
	Reason        verify.Reason  `json:"reason,omitempty"`
	Headline      string         `json:"headline,omitempty"`
	IssuerBinding keys.Binding   `json:"issuerBinding,omitempty"`
	IssuerWhere   string         `json:"issuerWhere,omitempty"`
	Checks        []verify.Check `json:"checks"`
	Badge         *badgeJSON     `json:"badge"`
	RanAt         time.Time      `json:"ran_at"`
}

// badgeJSON is the normalised badge with lower-case JSON keys.
type badgeJSON struct {
	Version          string            `json:"version"`
	Format           string            `json:"format"`
	Type             string            `json:"type,omitempty"`
	ID               string            `json:"id,omitempty"`
	URL              string            `json:"url,omitempty"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	Image            *imageJSON        `json:"image,omitempty"`
	Criteria         *criteriaJSON     `json:"criteria,omitempty"`
	Issuer           issuerJSON        `json:"issuer"`
	Recipient        recipientJSON     `json:"recipient"`
	IssuedOn         *time.Time        `json:"issued_on,omitempty"`
	AwardedOn        *time.Time        `json:"awarded_on,omitempty"`
	Expires          *time.Time        `json:"expires,omitempty"`
	Narrative        string            `json:"narrative,omitempty"`
	Evidence         []evidenceJSON    `json:"evidence,omitempty"`
	Alignments       []alignmentJSON   `json:"alignments,omitempty"`
	Tags             []string          `json:"tags,omitempty"`
	Endorsements     []endorsementJSON `json:"endorsements,omitempty"`
	Revoked          bool              `json:"revoked"`
	RevocationReason string            `json:"revocation_reason,omitempty"`
}

type imageJSON struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

type criteriaJSON struct {
	URL       string `json:"url,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

type issuerJSON struct {
	ID    string     `json:"id,omitempty"`
	Name  string     `json:"name,omitempty"`
	URL   string     `json:"url,omitempty"`
	Email string     `json:"email,omitempty"`
	Image *imageJSON `json:"image,omitempty"`
}

type recipientJSON struct {
	Type     string `json:"type,omitempty"`
	Identity string `json:"identity,omitempty"`
	Hashed   bool   `json:"hashed"`
}

type evidenceJSON struct {
	URL         string `json:"url,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Narrative   string `json:"narrative,omitempty"`
}

type alignmentJSON struct {
	TargetName        string `json:"target_name,omitempty"`
	TargetURL         string `json:"target_url,omitempty"`
	TargetDescription string `json:"target_description,omitempty"`
	TargetFramework   string `json:"target_framework,omitempty"`
	TargetCode        string `json:"target_code,omitempty"`
}

type endorsementJSON struct {
	ID         string `json:"id,omitempty"`
	IssuerID   string `json:"issuer_id,omitempty"`
	IssuerName string `json:"issuer_name,omitempty"`
	Comment    string `json:"comment,omitempty"`
	On         string `json:"on,omitempty"`
}

func summarize(b *badge.Badge) *badgeJSON {
	if b == nil {
		return nil
	}
	img := func(i badge.Image) *imageJSON {
		if i.URL == "" {
			return nil
		}
		u := i.URL
		if strings.HasPrefix(strings.ToLower(u), "data:") && len(u) > 80 {
			u = u[:80] + "…" // keep the report readable; the image itself is in the badge
		}
		return &imageJSON{URL: u, Caption: i.Caption}
	}
	tm := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.UTC()
		return &t
	}
	out := &badgeJSON{
		Version: string(b.Version), Format: string(b.Format), Type: b.Type, ID: b.ID, URL: b.URL,
		Name: b.Name, Description: b.Description, Image: img(b.Image),
		Issuer:    issuerJSON{ID: b.Issuer.ID, Name: b.Issuer.Name, URL: b.Issuer.URL, Email: b.Issuer.Email, Image: img(b.Issuer.Image)},
		Recipient: recipientJSON{Type: b.Recipient.Type, Identity: b.Recipient.Identity, Hashed: b.Recipient.Hashed},
		IssuedOn:  tm(b.IssuedOn), AwardedOn: tm(b.AwardedOn), Expires: tm(b.Expires),
		Narrative: b.Narrative, Tags: b.Tags, Revoked: b.Revoked, RevocationReason: b.RevocationReason,
	}
	if b.Criteria.URL != "" || b.Criteria.Narrative != "" {
		out.Criteria = &criteriaJSON{URL: b.Criteria.URL, Narrative: b.Criteria.Narrative}
	}
	for _, e := range b.Evidence {
		out.Evidence = append(out.Evidence, evidenceJSON{URL: e.URL, Name: e.Name, Description: e.Description, Narrative: e.Narrative})
	}
	for _, a := range b.Alignments {
		out.Alignments = append(out.Alignments, alignmentJSON{TargetName: a.TargetName, TargetURL: a.TargetURL,
			TargetDescription: a.TargetDescription, TargetFramework: a.TargetFramework, TargetCode: a.TargetCode})
	}
	for _, e := range b.Endorsements {
		out.Endorsements = append(out.Endorsements, endorsementJSON{ID: e.ID, IssuerID: e.IssuerID, IssuerName: e.IssuerName, Comment: e.Comment, On: e.On})
	}
	return out
}

// runUnbake implements `satchel unbake FILE`: it prints the badge data baked
// into a PNG or SVG image.
func runUnbake(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") && args[0] != "-" {
		fmt.Fprintln(stderr, "Usage: satchel unbake FILE|-")
		fmt.Fprintln(stderr, "Prints the badge data (JSON, signed JWS or web address) baked into a PNG or SVG badge image.")
		return exitNotBadge
	}
	img, err := readInput(args[0], stdin)
	if err != nil || strings.HasPrefix(strings.ToLower(args[0]), "http") {
		if err == nil {
			err = errors.New("give an image file, not a web address")
		}
		fmt.Fprintln(stderr, "satchel unbake:", err)
		return exitNotBadge
	}
	data, err := badge.Unbake(img)
	if err != nil {
		fmt.Fprintln(stderr, "satchel unbake:", err)
		if errors.Is(err, badge.ErrNoBadgeData) || errors.Is(err, badge.ErrNotBadge) {
			return exitNotBadge
		}
		return exitInvalid
	}
	if _, err := stdout.Write(data); err != nil {
		return exitInvalid
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		fmt.Fprintln(stdout)
	}
	return exitOK
}

// runBake implements `satchel bake IMAGE BADGE > OUT`: it writes IMAGE with
// the badge data from BADGE (JSON, signed JWS or a web address) baked in.
func runBake(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "Usage: satchel bake IMAGE BADGE > OUT")
		fmt.Fprintln(stderr, "Bakes the badge (a JSON file, signed JWS text, or a web address in a file) into a PNG or SVG image and writes the new image to standard output.")
		return exitNotBadge
	}
	img, err := readInput(args[0], stdin)
	if err != nil {
		fmt.Fprintln(stderr, "satchel bake:", err)
		return exitNotBadge
	}
	data, err := readInput(args[1], stdin)
	if err != nil {
		fmt.Fprintln(stderr, "satchel bake:", err)
		return exitNotBadge
	}
	data = []byte(strings.TrimSpace(string(data)))
	if _, err := badge.Read(data); err != nil {
		fmt.Fprintln(stderr, "satchel bake: the badge to bake:", err)
		return exitNotBadge
	}
	out, err := badge.Bake(img, data)
	if err != nil {
		fmt.Fprintln(stderr, "satchel bake:", err)
		return exitInvalid
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintln(stderr, "satchel bake:", err)
		return exitInvalid
	}
	return exitOK
}
