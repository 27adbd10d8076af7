// Package samples makes the sample badges a newcomer imports in the first
// minute: Open Badges 3.0 credentials issued to Recipient by fictional
// issuers, signed with eddsa-rdfc-2022 by did:key keys, so that they verify
// without any network access. Keys come from fixed seeds and every date is
// fixed, so Generate gives the same bytes on every run; cmd/mksamples writes
// them into static/samples.
package samples

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/keys"
	"github.com/satchel-backpack/satchel/internal/ldproof"
)

// Recipient is the email address every sample is issued to: sign in with
// the development sign-in as this address to import them.
const Recipient = "learner@example.org"

// Dir is where the samples live, relative to the repository root.
const Dir = "static/samples"

// Sample is one generated file.
type Sample struct {
	// File is the file name inside Dir.
	File string
	// Name is the achievement's name, as the backpack shows it.
	Name string
	// Format is how the credential is carried: "png", "svg" (baked) or "json".
	Format badge.Format
	// Expired is true for the sample whose validUntil is in the past.
	Expired bool
	// Data is the file's content.
	Data []byte
}

// Generate builds every sample. The result is the same on every call.
func Generate() ([]Sample, error) {
	out := make([]Sample, 0, len(specs))
	for _, s := range specs {
		data, err := s.build()
		if err != nil {
			return nil, fmt.Errorf("samples: %s: %w", s.file, err)
		}
		out = append(out, Sample{File: s.file, Name: s.achievement.name, Format: s.format, Expired: s.expired(), Data: data})
	}
	return out, nil
}

// Write generates the samples into dir (created if needed) and returns the
// names of the files written.
func Write(dir string) ([]string, error) {
	all, err := Generate()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	var names []string
	for _, s := range all {
		if err := os.WriteFile(filepath.Join(dir, s.File), s.Data, 0o644); err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
		names = append(names, s.File)
	}
	return names, nil
}

// issuer is a fictional organisation with its own signing key.
type issuer struct {
	slug, name, url, email, description string
}

// key derives the issuer's Ed25519 key from a fixed seed. These keys are
// public knowledge (they are in this file): fine for samples, never for
// anything real.
func (is issuer) key() (ed25519.PrivateKey, string, string, error) {
	seed := sha256.Sum256([]byte("satchel sample issuer key: " + is.slug))
	priv := ed25519.NewKeyFromSeed(seed[:])
	mk, err := keys.EncodeMultikey(priv.Public())
	if err != nil {
		return nil, "", "", err
	}
	did := "did:key:" + mk
	return priv, did, did + "#" + mk, nil
}

type alignment struct {
	name, url, description, framework, code, targetType string
}

type achievement struct {
	slug            string
	name            string
	description     string
	achievementType string
	criteria        string // Markdown
	caption         string // image alt text
	tags            []string
	alignments      []alignment
}

type evidence struct {
	name, description, narrative, genre string
}

type endorsement struct {
	by      issuer
	comment string
	date    time.Time
}

type spec struct {
	file        string
	format      badge.Format
	issuer      issuer
	achievement achievement
	validFrom   time.Time
	validUntil  time.Time // zero: does not expire
	evidence    []evidence
	endorsement *endorsement
	// art returns the badge image (PNG or SVG bytes).
	art func() ([]byte, error)
}

func (s spec) expired() bool { return !s.validUntil.IsZero() && s.validUntil.Before(generatedAt) }

// generatedAt is the fixed "now" of the samples: every validFrom is before
// it and the expired sample's validUntil too.
var generatedAt = date("2026-11-01T00:00:00Z")

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// uuidFor makes a stable, well-formed (version 4 layout) UUID from a name.
func uuidFor(name string) string {
	h := sha256.Sum256([]byte("satchel sample id: " + name))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// salt is fixed per sample so the hashed recipient differs between badges,
// as it does with real issuers.
func saltFor(slug string) string {
	h := sha256.Sum256([]byte("satchel sample salt: " + slug))
	return hex.EncodeToString(h[:8])
}

func identityHash(email, salt string) string {
	h := sha256.Sum256([]byte(email + salt))
	return "sha256$" + hex.EncodeToString(h[:])
}

const (
	contextVC2 = "https://www.w3.org/ns/credentials/v2"
	contextOB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

func profile(is issuer, did string) map[string]any {
	p := map[string]any{
		"id":   did,
		"type": []any{"Profile"},
		"name": is.name,
	}
	if is.url != "" {
		p["url"] = is.url
	}
	if is.email != "" {
		p["email"] = is.email
	}
	if is.description != "" {
		p["description"] = is.description
	}
	return p
}

func (s spec) build() ([]byte, error) {
	art, err := s.art()
	if err != nil {
		return nil, fmt.Errorf("artwork: %w", err)
	}
	mediaType := "image/png"
	if bytes.HasPrefix(bytes.TrimSpace(art), []byte("<")) {
		mediaType = "image/svg+xml"
	}
	imageURI := "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(art)

	priv, did, vm, err := s.issuer.key()
	if err != nil {
		return nil, err
	}
	a := s.achievement
	ach := map[string]any{
		"id":              uuidFor("achievement " + a.slug),
		"type":            []any{"Achievement"},
		"name":            a.name,
		"description":     a.description,
		"achievementType": a.achievementType,
		"criteria":        map[string]any{"narrative": a.criteria},
		"image":           map[string]any{"id": imageURI, "type": "Image", "caption": a.caption},
		"creator":         profile(s.issuer, did),
		"inLanguage":      "en",
	}
	if len(a.tags) > 0 {
		tags := make([]any, len(a.tags))
		for i, t := range a.tags {
			tags[i] = t
		}
		ach["tag"] = tags
	}
	var aligns []any
	for _, al := range a.alignments {
		m := map[string]any{"type": []any{"Alignment"}, "targetName": al.name, "targetUrl": al.url}
		for k, v := range map[string]string{"targetDescription": al.description, "targetFramework": al.framework, "targetCode": al.code, "targetType": al.targetType} {
			if v != "" {
				m[k] = v
			}
		}
		aligns = append(aligns, m)
	}
	if len(aligns) > 0 {
		ach["alignment"] = aligns
	}
	if e := s.endorsement; e != nil {
		end, err := endorse(e, ach["id"].(string), a)
		if err != nil {
			return nil, fmt.Errorf("endorsement: %w", err)
		}
		ach["endorsement"] = []any{end}
	}

	salt := saltFor(a.slug)
	cred := map[string]any{
		"@context":    []any{contextVC2, contextOB3},
		"id":          uuidFor("credential " + a.slug),
		"type":        []any{"VerifiableCredential", "OpenBadgeCredential"},
		"name":        a.name,
		"issuer":      profile(s.issuer, did),
		"validFrom":   s.validFrom.UTC().Format(time.RFC3339),
		"awardedDate": s.validFrom.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"identifier": []any{map[string]any{
				"type":         "IdentityObject",
				"identityHash": identityHash(Recipient, salt),
				"identityType": "emailAddress",
				"hashed":       true,
				"salt":         salt,
			}},
			"achievement": ach,
		},
	}
	if !s.validUntil.IsZero() {
		cred["validUntil"] = s.validUntil.UTC().Format(time.RFC3339)
	}
	var evs []any
	for _, e := range s.evidence {
		m := map[string]any{"type": []any{"Evidence"}, "name": e.name, "description": e.description, "narrative": e.narrative}
		if e.genre != "" {
			m["genre"] = e.genre
		}
		evs = append(evs, m)
	}
	if len(evs) > 0 {
		cred["evidence"] = evs
	}

	signed, err := sign(cred, priv, vm, s.validFrom)
	if err != nil {
		return nil, err
	}
	text, err := encode(signed)
	if err != nil {
		return nil, err
	}
	switch s.format {
	case badge.FormatJSON:
		return text, nil
	case badge.FormatPNG, badge.FormatSVG:
		baked, err := badge.Bake(art, text)
		if err != nil {
			return nil, fmt.Errorf("bake: %w", err)
		}
		return baked, nil
	}
	return nil, fmt.Errorf("unknown format %q", s.format)
}

// endorse makes a signed EndorsementCredential about an achievement.
func endorse(e *endorsement, achievementID string, a achievement) (map[string]any, error) {
	priv, did, vm, err := e.by.key()
	if err != nil {
		return nil, err
	}
	cred := map[string]any{
		"@context":  []any{contextVC2, contextOB3},
		"id":        uuidFor("endorsement " + a.slug + " by " + e.by.slug),
		"type":      []any{"VerifiableCredential", "EndorsementCredential"},
		"name":      e.by.name + " endorses " + a.name,
		"issuer":    profile(e.by, did),
		"validFrom": e.date.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":                 achievementID,
			"type":               []any{"EndorsementSubject"},
			"endorsementComment": e.comment,
		},
	}
	return sign(cred, priv, vm, e.date)
}

// sign adds an eddsa-rdfc-2022 proof. The proof goes in a list, the shape
// the 1EdTech JSON Schema expects (the signature does not cover the proof
// itself, so the list changes nothing that is signed).
func sign(doc map[string]any, priv ed25519.PrivateKey, vm string, created time.Time) (map[string]any, error) {
	signed, err := ldproof.Sign(doc, priv, vm, ldproof.SuiteEddsaRdfc2022, created)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	if p, ok := signed["proof"].(map[string]any); ok {
		signed["proof"] = []any{p}
	}
	return signed, nil
}

// encode writes indented JSON (keys sorted, so the output is stable) with a
// final newline and without escaping <, > and & for readability.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
