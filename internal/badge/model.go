// Package badge reads, normalises and bakes Open Badges of every version
// (0.5, 1.0, 1.1, 2.0, 3.0). It knows nothing of HTTP frameworks or storage.
package badge

import "time"

// Format says how the badge data arrived.
type Format string

const (
	FormatPNG  Format = "png"  // baked PNG
	FormatSVG  Format = "svg"  // baked SVG
	FormatJSON Format = "json" // JSON document
	FormatJWS  Format = "jws"  // compact JWS / VC-JWT
	FormatURL  Format = "url"  // the URL of a hosted badge
)

// Version is the Open Badges specification version a badge follows.
type Version string

const (
	V0_5 Version = "0.5"
	V1_0 Version = "1.0"
	V1_1 Version = "1.1"
	V2_0 Version = "2.0"
	V3_0 Version = "3.0"
)

// Badge is the one normalised model for every version. Fields a badge does
// not carry are zero.
type Badge struct {
	Version Version
	Format  Format
	// Original holds the exact bytes the learner brought (image, JSON, JWS or URL text).
	Original []byte
	// Payload is the badge data itself: the JSON of the assertion or
	// credential (for a JWS, the decoded payload credential).
	Payload []byte
	// JWS is the compact serialisation when the badge was signed that way.
	JWS string
	// URL is the hosted location when the badge was given (or baked) as a URL.
	URL string

	ID           string // assertion id (2.0) or credential id (3.0)
	Name         string
	Description  string
	Image        Image
	Criteria     Criteria
	Issuer       Issuer
	Recipient    Recipient
	IssuedOn     time.Time // 2.0 issuedOn, 3.0 validFrom / issuanceDate
	AwardedOn    time.Time // 3.0 awardedDate, when given
	Expires      time.Time // 2.0 expires, 3.0 validUntil / expirationDate
	Narrative    string
	Evidence     []Evidence
	Alignments   []Alignment
	Tags         []string
	Endorsements []Endorsement
	// Revoked and RevocationReason as stated inside a 2.0 assertion.
	Revoked          bool
	RevocationReason string
}

// Image is a badge, issuer or evidence picture.
type Image struct {
	URL     string // http(s) or data: URI
	Caption string
}

// Criteria says what the earner did.
type Criteria struct {
	URL       string
	Narrative string // Markdown
}

// Issuer is the organisation or person who issued the badge.
type Issuer struct {
	ID    string
	Name  string
	URL   string
	Email string
	Image Image
}

// Recipient identifies who the badge was issued to.
type Recipient struct {
	// Type is "email", "url", "telephone", "id" (2.0) or the 3.0 identityType
	// mapped onto those ("emailAddress" → "email", "url", "phoneNumber" → "telephone", "did"/"id" → "id").
	Type     string
	Identity string // plain value, or "sha256$hex" / "md5$hex" when Hashed
	Hashed   bool
	Salt     string
	// Identities lists every 3.0 identifier[] entry and the subject id; for
	// 2.0 it holds the single recipient.
	Identities []Identity
}

// Identity is one way a recipient is identified.
type Identity struct {
	Type     string
	Identity string
	Hashed   bool
	Salt     string
}

// Evidence of the work behind a badge.
type Evidence struct {
	URL         string
	Name        string
	Description string
	Narrative   string
	Genre       string
	Audience    string
}

// Alignment ties a badge to a skill, standard or competency.
type Alignment struct {
	TargetName        string
	TargetURL         string
	TargetDescription string
	TargetFramework   string
	TargetCode        string
}

// Endorsement is a third party's claim about the badge, its class or issuer.
type Endorsement struct {
	ID         string
	IssuerID   string
	IssuerName string
	Comment    string
	IssuedOn   time.Time
	// Payload is the endorsement document, verified separately.
	Payload []byte
}
