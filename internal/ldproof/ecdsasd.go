package ldproof

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"github.com/piprate/json-gold/ld"
)

// ecdsa-sd-2023 (W3C Data Integrity ECDSA Cryptosuites, selective
// disclosure). Only derived proofs are verified: a base proof is what the
// issuer hands the holder and is not meant to be shown to verifiers.

// Multibase/CBOR headers from the specification.
var (
	sdBaseHeader    = []byte{0xd9, 0x5d, 0x00}
	sdDerivedHeader = []byte{0xd9, 0x5d, 0x01}
	p256Multicodec  = []byte{0x80, 0x24}
)

type sdDerivedProof struct {
	baseSignature    []byte
	publicKey        []byte // multikey bytes: 0x8024 + compressed P-256 point
	signatures       [][]byte
	labelMap         map[string]string // c14nN -> u<base64url HMAC label>
	mandatoryIndexes []int
}

// sdDecOptions keeps CBOR decoding of hostile input cheap.
var sdDec, _ = cbor.DecOptions{
	MaxNestedLevels:  4,
	MaxArrayElements: 65536,
	MaxMapPairs:      65536,
	DupMapKey:        cbor.DupMapKeyEnforcedAPF,
}.DecMode()

func parseSdDerivedProof(v string) (*sdDerivedProof, error) {
	if !strings.HasPrefix(v, "u") {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 proofValue is not multibase base64url (must start with 'u')", ErrMalformedProof)
	}
	raw, err := base64.RawURLEncoding.DecodeString(v[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 proofValue is not valid base64url: %v", ErrMalformedProof, err)
	}
	if bytes.HasPrefix(raw, sdBaseHeader) {
		return nil, fmt.Errorf("%w: this is an ecdsa-sd-2023 base proof, which only the holder should have; a derived proof is needed", ErrUnsupportedProof)
	}
	if !bytes.HasPrefix(raw, sdDerivedHeader) {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 proofValue has an unknown header", ErrMalformedProof)
	}
	var parts []cbor.RawMessage
	if err := sdDec.Unmarshal(raw[3:], &parts); err != nil || len(parts) != 5 {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 proofValue is not a CBOR array of five components", ErrMalformedProof)
	}
	p := &sdDerivedProof{}
	var compressed map[uint64][]byte
	if sdDec.Unmarshal(parts[0], &p.baseSignature) != nil || len(p.baseSignature) != 64 {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 base signature must be 64 bytes", ErrMalformedProof)
	}
	if sdDec.Unmarshal(parts[1], &p.publicKey) != nil || len(p.publicKey) != 35 || !bytes.HasPrefix(p.publicKey, p256Multicodec) {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 proof key must be a compressed P-256 multikey", ErrMalformedProof)
	}
	if sdDec.Unmarshal(parts[2], &p.signatures) != nil {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 signatures must be byte strings", ErrMalformedProof)
	}
	for _, s := range p.signatures {
		if len(s) != 64 {
			return nil, fmt.Errorf("%w: ecdsa-sd-2023 signatures must be 64 bytes", ErrMalformedProof)
		}
	}
	if sdDec.Unmarshal(parts[3], &compressed) != nil {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 label map must map integers to byte strings", ErrMalformedProof)
	}
	p.labelMap = make(map[string]string, len(compressed))
	for k, b := range compressed {
		if len(b) != 32 {
			return nil, fmt.Errorf("%w: ecdsa-sd-2023 labels must be 32 bytes", ErrMalformedProof)
		}
		p.labelMap["c14n"+strconv.FormatUint(k, 10)] = "u" + base64.RawURLEncoding.EncodeToString(b)
	}
	if sdDec.Unmarshal(parts[4], &p.mandatoryIndexes) != nil {
		return nil, fmt.Errorf("%w: ecdsa-sd-2023 mandatory indexes must be integers", ErrMalformedProof)
	}
	return p, nil
}

func p256Key(pub crypto.PublicKey) (*ecdsa.PublicKey, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k != nil && k.Curve == elliptic.P256() {
			return k, nil
		}
	case ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return &k, nil
		}
	}
	return nil, fmt.Errorf("%w: a P-256 key is needed for ecdsa-sd-2023, got %T", ErrKeyType, pub)
}

func verifyRawP256(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	h := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(pub, h[:], r, s)
}

// verifyEcdsaSd2023 verifies a derived ecdsa-sd-2023 proof: the base
// signature by the issuer covers the proof options, the per-proof key and the
// mandatory statements; each disclosed optional statement is signed by that
// per-proof key.
func verifyEcdsaSd2023(doc map[string]any, p Proof, pub crypto.PublicKey) error {
	issuerKey, err := p256Key(pub)
	if err != nil {
		return err
	}
	d, err := parseSdDerivedProof(p.ProofValue)
	if err != nil {
		return err
	}
	unsecured, ctx, err := unsecuredDocument(doc, p.Raw)
	if err != nil {
		return err
	}
	proofCanon, err := canonicalize(proofOptionsRaw(p.Raw, ctx))
	if err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	proofHash := sha256.Sum256([]byte(proofCanon))

	nquads, err := sdRelabeledNQuads(unsecured, d.labelMap)
	if err != nil {
		return err
	}
	mandatorySet := make(map[int]bool, len(d.mandatoryIndexes))
	for _, i := range d.mandatoryIndexes {
		if i < 0 || i >= len(nquads) {
			return fmt.Errorf("%w: ecdsa-sd-2023 mandatory index %d is out of range", ErrSignature, i)
		}
		mandatorySet[i] = true
	}
	var mandatory strings.Builder
	var optional []string
	for i, nq := range nquads {
		if mandatorySet[i] {
			mandatory.WriteString(nq)
		} else {
			optional = append(optional, nq)
		}
	}
	if len(optional) != len(d.signatures) {
		return fmt.Errorf("%w: ecdsa-sd-2023 proof has %d signatures for %d disclosed statements", ErrSignature, len(d.signatures), len(optional))
	}
	mandatoryHash := sha256.Sum256([]byte(mandatory.String()))

	signed := make([]byte, 0, 32+len(d.publicKey)+32)
	signed = append(signed, proofHash[:]...)
	signed = append(signed, d.publicKey...)
	signed = append(signed, mandatoryHash[:]...)
	if !verifyRawP256(issuerKey, signed, d.baseSignature) {
		return fmt.Errorf("%w (ecdsa-sd-2023 base signature by %s)", ErrSignature, p.VerificationMethod)
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), d.publicKey[2:])
	if x == nil {
		return fmt.Errorf("%w: ecdsa-sd-2023 proof key is not a P-256 point", ErrMalformedProof)
	}
	proofKey := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
	for i, nq := range optional {
		if !verifyRawP256(proofKey, []byte(nq), d.signatures[i]) {
			return fmt.Errorf("%w (ecdsa-sd-2023 disclosed statement %d)", ErrSignature, i)
		}
	}
	return nil
}

// sdRelabeledNQuads canonicalizes doc, replaces each canonical blank node
// label c14nN with the label the issuer's HMAC gave it, and sorts the lines
// again (labelReplacementCanonicalizeJsonLd in the specification). Each line
// keeps its trailing newline.
func sdRelabeledNQuads(doc map[string]any, labels map[string]string) ([]string, error) {
	canon, err := canonicalize(doc)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(canon, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	relabel := func(label string) (string, error) {
		l, ok := labels[strings.TrimPrefix(label, "_:")]
		if !ok {
			return "", fmt.Errorf("%w: ecdsa-sd-2023 label map has no entry for blank node %s", ErrSignature, label)
		}
		return "_:" + l, nil
	}
	out := make([]string, 0, len(lines))
	ser := &ld.NQuadRDFSerializer{}
	for _, line := range lines {
		if !strings.Contains(line, "_:") {
			out = append(out, line)
			continue
		}
		ds, err := ld.ParseNQuads(line)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrJSONLD, err)
		}
		re := ld.NewRDFDataset()
		for g, quads := range ds.Graphs {
			if strings.HasPrefix(g, "_:") {
				if g, err = relabel(g); err != nil {
					return nil, err
				}
			}
			for _, q := range quads {
				for _, n := range []*ld.Node{&q.Subject, &q.Object} {
					if b, ok := (*n).(ld.BlankNode); ok {
						l, err := relabel(b.Attribute)
						if err != nil {
							return nil, err
						}
						*n = ld.NewBlankNode(l)
					}
				}
			}
			re.Graphs[g] = quads
		}
		s, err := ser.Serialize(re)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrJSONLD, err)
		}
		out = append(out, s.(string))
	}
	sort.Strings(out)
	return out, nil
}
