package ldproof

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/mr-tron/base58"
)

// Proof types and cryptosuites this package knows.
const (
	TypeDataIntegrity        = "DataIntegrityProof"
	TypeEd25519Signature2020 = "Ed25519Signature2020"

	SuiteEddsaRdfc2022 = "eddsa-rdfc-2022"
	SuiteEddsa2022     = "eddsa-2022" // legacy name of eddsa-rdfc-2022
	SuiteEcdsaSd2023   = "ecdsa-sd-2023"

	PurposeAssertionMethod = "assertionMethod"
)

// Errors returned (wrapped) by Verify and Sign. Each says what a learner
// needs to know; the wrapping error adds the technical detail.
var (
	ErrUnsupportedProof = errors.New("the badge is signed with a proof type or cryptosuite Satchel does not support")
	ErrProofPurpose     = errors.New("the proof was not made for asserting a credential (proofPurpose must be assertionMethod)")
	ErrMalformedProof   = errors.New("the proof is malformed")
	ErrKeyType          = errors.New("the issuer's key is not of the kind this proof needs")
	ErrSignature        = errors.New("the signature does not match the badge: it was changed after signing or signed with another key")
)

// Proof is one embedded proof of a document, as found in its "proof" member.
type Proof struct {
	Type               string
	Cryptosuite        string // empty for Ed25519Signature2020
	VerificationMethod string
	ProofPurpose       string
	Created            string
	ProofValue         string
	// Raw is the proof object exactly as it appears in the document.
	Raw map[string]any
}

// Proofs returns the embedded proofs of doc, in document order. A "proof"
// that is an object gives one proof; an array gives one per object in it.
// Entries that are not JSON objects are skipped.
func Proofs(doc map[string]any) []Proof {
	var raws []map[string]any
	switch p := doc["proof"].(type) {
	case map[string]any:
		raws = append(raws, p)
	case []any:
		for _, e := range p {
			if m, ok := e.(map[string]any); ok {
				raws = append(raws, m)
			}
		}
	}
	out := make([]Proof, 0, len(raws))
	for _, m := range raws {
		out = append(out, Proof{
			Type:               typeName(m["type"]),
			Cryptosuite:        str(m["cryptosuite"]),
			VerificationMethod: verificationMethodID(m["verificationMethod"]),
			ProofPurpose:       str(m["proofPurpose"]),
			Created:            str(m["created"]),
			ProofValue:         str(m["proofValue"]),
			Raw:                m,
		})
	}
	return out
}

// Suite names the proof's algorithm for messages: the cryptosuite of a
// DataIntegrityProof, otherwise the proof type.
func (p Proof) Suite() string {
	if p.Type == TypeDataIntegrity && p.Cryptosuite != "" {
		return p.Cryptosuite
	}
	return p.Type
}

// Verify checks one embedded proof of doc with the issuer's public key.
// eddsa-rdfc-2022, eddsa-2022 and Ed25519Signature2020 need an
// ed25519.PublicKey: the document is canonicalized without any of its
// proofs, the proof without its proofValue and with the document's @context,
// and the Ed25519 signature must cover SHA-256(proof canon) ||
// SHA-256(document canon). A derived ecdsa-sd-2023 proof needs the issuer's
// P-256 *ecdsa.PublicKey. The proofPurpose must be assertionMethod.
// Errors wrap ErrUnsupportedProof, ErrProofPurpose, ErrMalformedProof,
// ErrKeyType, ErrJSONLD, ErrTooComplex or ErrSignature.
func Verify(doc map[string]any, p Proof, pub crypto.PublicKey) error {
	if err := checkSupported(p); err != nil {
		return err
	}
	if p.ProofPurpose != PurposeAssertionMethod {
		return fmt.Errorf("%w (found %q)", ErrProofPurpose, p.ProofPurpose)
	}
	if p.VerificationMethod == "" {
		return fmt.Errorf("%w: it has no verificationMethod", ErrMalformedProof)
	}
	if p.Type == TypeDataIntegrity && p.Cryptosuite == SuiteEcdsaSd2023 {
		return verifyEcdsaSd2023(doc, p, pub)
	}
	key, err := ed25519Key(pub)
	if err != nil {
		return err
	}
	sig, err := decodeProofValue(p.ProofValue)
	if err != nil {
		return err
	}
	data, err := signingInput(doc, p.Raw)
	if err != nil {
		return err
	}
	if !ed25519.Verify(key, data, sig) {
		return fmt.Errorf("%w (%s proof by %s)", ErrSignature, p.Suite(), p.VerificationMethod)
	}
	return nil
}

// Sign adds an embedded proof to a copy of doc and returns the copy. The
// cryptosuite is "eddsa-rdfc-2022" or "eddsa-2022" (a DataIntegrityProof) or
// "Ed25519Signature2020" (that proof type). Proofs already in doc are kept, and
// the new proof is made over the document without them, as for a proof set.
// The document must be valid JSON-LD under the embedded contexts.
func Sign(doc map[string]any, priv ed25519.PrivateKey, verificationMethod, cryptosuite string, created time.Time) (map[string]any, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ldproof: sign: %w: need an Ed25519 private key", ErrKeyType)
	}
	proof := map[string]any{}
	switch cryptosuite {
	case SuiteEddsaRdfc2022, SuiteEddsa2022:
		proof["type"] = TypeDataIntegrity
		proof["cryptosuite"] = cryptosuite
	case TypeEd25519Signature2020:
		proof["type"] = TypeEd25519Signature2020
	default:
		return nil, fmt.Errorf("ldproof: sign: %w: %q", ErrUnsupportedProof, cryptosuite)
	}
	proof["created"] = created.UTC().Format(time.RFC3339)
	proof["verificationMethod"] = verificationMethod
	proof["proofPurpose"] = PurposeAssertionMethod

	data, err := signingInput(doc, proof)
	if err != nil {
		return nil, fmt.Errorf("ldproof: sign: %w", err)
	}
	proof["proofValue"] = "z" + base58.Encode(ed25519.Sign(priv, data))

	out := withoutProof(doc)
	switch existing := doc["proof"].(type) {
	case nil:
		out["proof"] = proof
	case []any:
		out["proof"] = append(append([]any{}, existing...), proof)
	default:
		out["proof"] = []any{existing, proof}
	}
	return out, nil
}

// signingInput is SHA-256(canon(proof options)) || SHA-256(canon(document)).
func signingInput(doc, rawProof map[string]any) ([]byte, error) {
	unsecured, ctx, err := unsecuredDocument(doc, rawProof)
	if err != nil {
		return nil, err
	}
	docCanon, err := canonicalize(unsecured)
	if err != nil {
		return nil, err
	}
	proofCanon, err := canonicalize(proofOptionsRaw(rawProof, ctx))
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	ph := sha256.Sum256([]byte(proofCanon))
	dh := sha256.Sum256([]byte(docCanon))
	return append(ph[:], dh[:]...), nil
}

// unsecuredDocument is doc without its proofs, and the @context both it and
// the proof options are read with. That is the document's @context, unless
// the proof carries its own: then, as Data Integrity verification requires,
// the document's @context must start with the proof's, and the proof's is
// used for both.
func unsecuredDocument(doc, rawProof map[string]any) (map[string]any, any, error) {
	ctx, ok := doc["@context"]
	if !ok {
		return nil, nil, fmt.Errorf("%w: the document has no @context", ErrJSONLD)
	}
	out := withoutProof(doc)
	pctx, ok := rawProof["@context"]
	if !ok {
		return out, ctx, nil
	}
	docList, proofList := contextList(ctx), contextList(pctx)
	if len(proofList) == 0 || len(proofList) > len(docList) {
		return nil, nil, fmt.Errorf("%w: the proof's @context does not match the document's", ErrMalformedProof)
	}
	for i := range proofList {
		if !reflect.DeepEqual(proofList[i], docList[i]) {
			return nil, nil, fmt.Errorf("%w: the proof's @context does not match the document's", ErrMalformedProof)
		}
	}
	out["@context"] = pctx
	return out, pctx, nil
}

func contextList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func proofOptionsRaw(raw map[string]any, ctx any) map[string]any {
	out := make(map[string]any, len(raw)+1)
	for k, v := range raw {
		if k != "proofValue" {
			out[k] = v
		}
	}
	out["@context"] = ctx
	return out
}

func checkSupported(p Proof) error {
	switch p.Type {
	case TypeEd25519Signature2020:
		return nil
	case TypeDataIntegrity:
		switch p.Cryptosuite {
		case SuiteEddsaRdfc2022, SuiteEddsa2022, SuiteEcdsaSd2023:
			return nil
		case "":
			return fmt.Errorf("%w: DataIntegrityProof without a cryptosuite", ErrMalformedProof)
		default:
			return fmt.Errorf("%w: unsupported cryptosuite %q", ErrUnsupportedProof, p.Cryptosuite)
		}
	case "":
		return fmt.Errorf("%w: the proof has no type", ErrMalformedProof)
	default:
		return fmt.Errorf("%w: unsupported proof type %q", ErrUnsupportedProof, p.Type)
	}
}

func ed25519Key(pub crypto.PublicKey) (ed25519.PublicKey, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) == ed25519.PublicKeySize {
			return k, nil
		}
	case *ed25519.PublicKey:
		if k != nil && len(*k) == ed25519.PublicKeySize {
			return *k, nil
		}
	}
	return nil, fmt.Errorf("%w: an Ed25519 key is needed, got %T", ErrKeyType, pub)
}

func decodeProofValue(v string) ([]byte, error) {
	if v == "" {
		return nil, fmt.Errorf("%w: proofValue is missing", ErrMalformedProof)
	}
	if v[0] != 'z' {
		return nil, fmt.Errorf("%w: proofValue is not multibase base58btc (must start with 'z')", ErrMalformedProof)
	}
	sig, err := base58.Decode(v[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: proofValue is not valid base58: %v", ErrMalformedProof, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: proofValue holds %d bytes, an Ed25519 signature has %d", ErrMalformedProof, len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

// withoutProof returns a shallow copy of doc without its proof.
func withoutProof(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// typeName reads a proof type given as a string or a one-element array.
func typeName(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		if len(t) == 1 {
			return str(t[0])
		}
	}
	return ""
}

func verificationMethodID(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}
