package verify

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/badgetest"
)

// Test issuers live at these made-up HTTPS hosts, served on loopback.
const (
	issuerHost = "issuer.example"
	otherHost  = "other.example"
	issuerBase = "https://" + issuerHost
)

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// The learner of the test badges.
const learnerEmail = "learner@example.net"

var learner = []badge.Identifier{{Type: "email", Value: learnerEmail}}

func newTestVerifier(t testing.TB) (*issuerServer, *Verifier) {
	t.Helper()
	srv := newIssuerServer(t, issuerHost, otherHost)
	return srv, New(srv.client(), Options{Now: func() time.Time { return fixedNow }, Timeout: 10 * time.Second})
}

// testRSA is one 2048-bit key shared by the tests (generating is slow).
func testRSA(t testing.TB) *rsa.PrivateKey { return badgetest.MustRSA(t, 0) }

var (
	mustJSON    = badgetest.MustJSON
	hashedEmail = badgetest.HashedEmail
	signJWS     = badgetest.MustJWS
	p256Key     = badgetest.MustP256
)

// --- Open Badges 2.0 ---

// ob2Issuer builds a 2.0 assertion, BadgeClass and Issuer under issuerBase.
type ob2Set struct {
	assertion, class, issuer map[string]any
}

func newOB2(id string) *ob2Set {
	return &ob2Set{
		assertion: map[string]any{
			"@context": "https://w3id.org/openbadges/v2",
			"type":     "Assertion",
			"id":       issuerBase + "/assertions/" + id + ".json",
			"recipient": map[string]any{
				"type": "email", "hashed": true, "salt": "pepper", "identity": hashedEmail(learnerEmail, "pepper"),
			},
			"issuedOn":     "2024-03-01T10:00:00Z",
			"badge":        issuerBase + "/class.json",
			"verification": map[string]any{"type": "hosted"},
		},
		class: map[string]any{
			"@context":    "https://w3id.org/openbadges/v2",
			"type":        "BadgeClass",
			"id":          issuerBase + "/class.json",
			"name":        "Soldering Basics",
			"description": "Solders a joint that holds.",
			"image":       issuerBase + "/badge.png",
			"criteria":    map[string]any{"narrative": "Solder ten joints."},
			"issuer":      issuerBase + "/issuer.json",
		},
		issuer: map[string]any{
			"@context": "https://w3id.org/openbadges/v2",
			"type":     "Issuer",
			"id":       issuerBase + "/issuer.json",
			"name":     "Maker Space",
			"url":      issuerBase,
			"email":    "badges@issuer.example",
		},
	}
}

// serve publishes the class and issuer, and the assertion at its id.
func (s *ob2Set) serve(t testing.TB, srv *issuerServer) {
	srv.json(s.class["id"].(string), mustJSON(t, s.class))
	srv.json(s.issuer["id"].(string), mustJSON(t, s.issuer))
	srv.json(s.assertion["id"].(string), mustJSON(t, s.assertion))
}

// signed turns the set into a signed badge: it publishes the RSA key, lists
// it in the issuer profile and returns the compact JWS of the assertion.
func (s *ob2Set) signed(t testing.TB, srv *issuerServer, key *rsa.PrivateKey) string {
	t.Helper()
	keyURL := issuerBase + "/key.json"
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	srv.json(keyURL, mustJSON(t, map[string]any{
		"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": keyURL,
		"owner":        s.issuer["id"],
		"publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	}))
	s.issuer["publicKey"] = keyURL
	s.assertion["verification"] = map[string]any{"type": "SignedBadge", "creator": keyURL}
	s.serve(t, srv)
	return signJWS(t, jose.RS256, key, mustJSON(t, s.assertion), nil)
}

// --- Open Badges 3.0 ---

func newCredential(issuerID string) map[string]any {
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:9f1c8a52-3a1e-4c8b-a1f7-55c1a4b0e001",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuerID, "type": []any{"Profile"}, "name": "Maker Space"},
		"validFrom": "2024-03-01T10:00:00Z",
		"name":      "Soldering Basics",
		"credentialSubject": map[string]any{
			"id":   "did:example:learner",
			"type": []any{"AchievementSubject"},
			"identifier": []any{map[string]any{
				"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "salt": "pepper",
				"identityHash": hashedEmail(learnerEmail, "pepper"),
			}},
			"achievement": map[string]any{
				"id": issuerBase + "/achievements/soldering", "type": []any{"Achievement"},
				"name": "Soldering Basics", "description": "Solders a joint that holds.",
				"criteria": map[string]any{"narrative": "Solder ten joints."},
			},
		},
	}
}

// edIssuer is an Ed25519 issuer identified by did:key.
type edIssuer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
	did  string
	vm   string
}

func newEdIssuer(t testing.TB) *edIssuer {
	t.Helper()
	k := badgetest.MustDIDKey(t)
	return &edIssuer{pub: k.Public, priv: k.Private, did: k.DID, vm: k.VM}
}

func (e *edIssuer) sign(t testing.TB, c map[string]any, suite string) map[string]any {
	t.Helper()
	return badgetest.MustSignDataIntegrity(t, c, e.priv, e.vm, suite, fixedNow.Add(-24*time.Hour))
}

// readBadge reads data with badge.Read, failing the test on error.
func readBadge(t testing.TB, data []byte) *badge.Badge {
	t.Helper()
	b, err := badge.Read(data)
	if err != nil {
		t.Fatalf("badge.Read: %v", err)
	}
	return b
}

func verifyData(t testing.TB, v *Verifier, data []byte, ids []badge.Identifier) *Report {
	t.Helper()
	return v.Verify(context.Background(), readBadge(t, data), ids)
}

// status returns the status of the last check with id (or "" if none).
func status(rep *Report, id string) Status {
	var s Status
	for _, c := range rep.Checks {
		if c.ID == id {
			s = c.Status
		}
	}
	return s
}

func check(rep *Report, id string) Check {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return Check{}
}

func wantVerdict(t testing.TB, rep *Report, want Verdict) {
	t.Helper()
	if rep.Verdict != want {
		t.Fatalf("verdict %s, want %s\n%s", rep.Verdict, want, reportText(rep))
	}
}

func wantStatus(t testing.TB, rep *Report, id string, want Status) {
	t.Helper()
	if got := status(rep, id); got != want {
		t.Fatalf("check %q is %q, want %q\n%s", id, got, want, reportText(rep))
	}
}

// --- status lists ---

// encodeStatusList makes a Bitstring Status List encodedList of n bits with
// the given indexes set (most significant bit first).
func encodeStatusList(t testing.TB, n int, set ...int) string {
	t.Helper()
	bits := make([]byte, (n+7)/8)
	for _, i := range set {
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func statusListCredential(issuerID, encoded, purpose string) map[string]any {
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        issuerBase + "/status/1",
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    issuerID,
		"validFrom": "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": issuerBase + "/status/1#list", "type": "BitstringStatusList",
			"statusPurpose": purpose, "encodedList": encoded,
		},
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

var jsonB64 = base64.RawURLEncoding
