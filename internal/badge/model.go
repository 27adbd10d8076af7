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
	// When Payload is empty the badge is only a pointer: fetch URL and Read
	// the response (see IsPointer).
	URL string

	// Type is the primary type of the top-level node: "Assertion",
	// "BadgeClass", "Issuer", "Endorsement" (2.0 and legacy, after upgrade),
	// or "OpenBadgeCredential", "AchievementCredential",
	// "EndorsementCredential" (3.0). Empty for a URL pointer.
	Type string
	// BadgeClassID is the 2.0 BadgeClass id or the 3.0 Achievement id.
	BadgeClassID string
	// CredentialName is the 3.0 credential's own name (Name holds the
	// achievement's name, which is what a learner recognises).
	CredentialName  string
	AchievementType string // 3.0 achievementType, e.g. "Badge", "Degree"

	ID          string // assertion id (2.0) or credential id (3.0)
	Name        string
	Description string
	Image       Image
	Criteria    Criteria
	Issuer      Issuer
	Recipient   Recipient
	IssuedOn    time.Time // 2.0 issuedOn, 3.0 validFrom / issuanceDate
	AwardedOn   time.Time // 3.0 awardedDate, when given
	Expires     time.Time // 2.0 expires, 3.0 validUntil / expirationDate
	Narrative   string
	// Language is the language the issuer wrote the content in (a BCP 47
	// tag: 3.0 inLanguage, 2.0 @language, or a JSON-LD @context's default
	// language); "" when the badge does not say.
	Language string `json:",omitempty"`
	// Translations holds, for a content field (FieldName, FieldDescription,
	// FieldCriteria) that the issuer gave in several languages, every
	// version; Name, Description and Criteria hold the one in Language. See In.
	Translations map[string][]Text `json:",omitempty"`
	Evidence     []Evidence
	Alignments   []Alignment
	Tags         []string
	Endorsements []Endorsement
	// Revoked and RevocationReason as stated inside a 2.0 assertion.
	Revoked          bool
	RevocationReason string

	// OB2 holds the Open Badges 2.0 nodes (legacy badges upgraded to 2.0
	// shapes) for property checks; nil for 3.0 and URL pointers.
	OB2 *OB2
	// OB3 holds the Open Badges 3.0 credential; nil for other versions.
	OB3 *OB3
}

// OB2 is the Open Badges 2.0 graph as far as it is known. Each node is the
// decoded JSON object (numbers as json.Number). For 0.5/1.0/1.1 badges the
// nodes are the upgraded 2.0 shapes, not the original JSON (that is in
// Badge.Payload).
type OB2 struct {
	// Assertion is nil when the input was a BadgeClass, Issuer or other node.
	Assertion map[string]any
	// BadgeClass is set when embedded in the assertion, when it is the input,
	// or after Complete.
	BadgeClass map[string]any
	// Issuer is set when embedded, when it is the input, or after Complete.
	Issuer map[string]any
	// Node is the top-level node that was read, whatever its type.
	Node map[string]any
	// BadgeClassURL and IssuerURL are the ids to fetch when the node is only
	// referenced (still set after Complete).
	BadgeClassURL string
	IssuerURL     string
	// Upgraded is true when a 0.5/1.0/1.1 badge was converted to 2.0 shapes.
	Upgraded bool
}

// OB3 is an Open Badges 3.0 Verifiable Credential.
type OB3 struct {
	// Credential is the decoded credential (numbers as json.Number).
	Credential map[string]any
	// VCDM is "2.0" or "1.1", from the first @context entry.
	VCDM string
	// Contexts and Types list the credential's @context URLs and types.
	Contexts []string
	Types    []string
	// JWTHeader and JWTClaims are set when the credential came as a VC-JWT;
	// JWTClaims holds the whole payload (for a VCDM 1.1 JWT the credential
	// itself sits in its "vc" claim).
	JWTHeader map[string]any
	JWTClaims map[string]any
}

// IsPointer reports whether the badge is only the URL of a hosted badge
// (given as text or baked into an image) that still has to be fetched.
func (b *Badge) IsPointer() bool { return len(b.Payload) == 0 && b.URL != "" }

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
	ID          string
	Name        string
	URL         string
	Email       string
	Image       Image
	Description string
	Telephone   string
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
	TargetType        string // 3.0 only
}

// Endorsement is a third party's claim about the badge, its class or issuer.
type Endorsement struct {
	ID         string
	IssuerID   string
	IssuerName string
	Comment    string
	IssuedOn   time.Time
	// Payload is the endorsement document, verified separately. Empty when
	// the endorsement is only referenced by URL.
	Payload []byte
	// URL is set when a 2.0 endorsement is referenced rather than embedded.
	URL string
	// JWS is set for a 3.0 endorsementJwt entry (Payload is then the decoded
	// credential).
	JWS string
	// On says what is endorsed: "assertion", "badgeclass", "issuer" (2.0) or
	// "credential", "achievement", "issuer" (3.0).
	On string
}

// Identifier is one of a learner's verified identifiers.
type Identifier struct {
	Type  string // "email", "url" or "telephone"
	Value string
}
