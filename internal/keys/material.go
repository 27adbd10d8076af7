package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/mr-tron/base58"
)

// Multicodec prefixes (unsigned varints) of the public key types a Multikey
// can carry that Satchel verifies.
var (
	codecEd25519 = []byte{0xed, 0x01} // ed25519-pub 0xed
	codecP256    = []byte{0x80, 0x24} // p256-pub 0x1200
	codecP384    = []byte{0x81, 0x24} // p384-pub 0x1201
)

// maxMultibase bounds the text decoded: base58 decoding is quadratic and
// the input is hostile. A P-384 multikey is about 70 characters.
const maxMultibase = 256

// minRSABits refuses RSA keys too short to be trusted.
const minRSABits = 2048

// FromMultibase decodes a Multikey publicKeyMultibase value: multibase
// base58btc ('z') of a multicodec-prefixed public key. Ed25519 (z6Mk…),
// P-256 (zDn…, compressed) and P-384 (z82…) are supported.
func FromMultibase(s string) (crypto.PublicKey, error) {
	if len(s) < 2 || len(s) > maxMultibase {
		return nil, &Error{Kind: BadKey, Method: s, Err: errors.New("multibase value of implausible length")}
	}
	if s[0] != 'z' {
		return nil, errorf(BadKey, s, "multibase prefix %q not supported (want 'z', base58btc)", s[0])
	}
	raw, err := base58.Decode(s[1:])
	if err != nil {
		return nil, &Error{Kind: BadKey, Method: s, Err: fmt.Errorf("base58: %w", err)}
	}
	switch {
	case bytes.HasPrefix(raw, codecEd25519):
		k := raw[len(codecEd25519):]
		if len(k) != ed25519.PublicKeySize {
			return nil, errorf(BadKey, s, "Ed25519 key of %d bytes", len(k))
		}
		return ed25519.PublicKey(bytes.Clone(k)), nil
	case bytes.HasPrefix(raw, codecP256):
		return ecPoint(elliptic.P256(), raw[len(codecP256):], s)
	case bytes.HasPrefix(raw, codecP384):
		return ecPoint(elliptic.P384(), raw[len(codecP384):], s)
	}
	return nil, errorf(BadKey, s, "unsupported multicodec key type")
}

// ecPoint decodes a compressed (or uncompressed) point and checks it is on
// the curve.
func ecPoint(curve elliptic.Curve, b []byte, method string) (*ecdsa.PublicKey, error) {
	size := (curve.Params().BitSize + 7) / 8
	var uncompressed []byte
	switch {
	case len(b) == 1+size && (b[0] == 2 || b[0] == 3):
		x, y := elliptic.UnmarshalCompressed(curve, b)
		if x == nil {
			return nil, errorf(BadKey, method, "%s point not on the curve", curve.Params().Name)
		}
		uncompressed = make([]byte, 1+2*size)
		uncompressed[0] = 4
		x.FillBytes(uncompressed[1 : 1+size])
		y.FillBytes(uncompressed[1+size:])
	case len(b) == 1+2*size && b[0] == 4:
		uncompressed = b
	default:
		return nil, errorf(BadKey, method, "%s key of %d bytes", curve.Params().Name, len(b))
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, uncompressed)
	if err != nil {
		return nil, &Error{Kind: BadKey, Method: method, Err: err}
	}
	return pub, nil
}

// EncodeMultikey is the inverse of FromMultibase, for Ed25519 and P-256/P-384
// keys (P-curves compressed). Handy for did:key identifiers and test badges.
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	var raw []byte
	switch k := pub.(type) {
	case ed25519.PublicKey:
		raw = append(bytes.Clone(codecEd25519), k...)
	case *ecdsa.PublicKey:
		point, err := k.Bytes()
		if err != nil {
			return "", err
		}
		var codec []byte
		switch k.Curve {
		case elliptic.P256():
			codec = codecP256
		case elliptic.P384():
			codec = codecP384
		default:
			return "", fmt.Errorf("keys: curve %s has no multikey encoding here", k.Curve.Params().Name)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		compressed := make([]byte, 1+size)
		compressed[0] = 2 | point[len(point)-1]&1 // parity of y
		copy(compressed[1:], point[1:1+size])
		raw = append(bytes.Clone(codec), compressed...)
	default:
		return "", fmt.Errorf("keys: %T has no multikey encoding", pub)
	}
	return "z" + base58.Encode(raw), nil
}

// privateMembers are JWK members that only a private or symmetric key has.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// FromJWK parses a public JSON Web Key (RSA, EC P-256/P-384/P-521, OKP
// Ed25519). A JWK carrying private members ("d" and friends) or a symmetric
// key is refused: a published private key means anyone could have signed.
func FromJWK(data []byte) (crypto.PublicKey, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, &Error{Kind: BadKey, Err: fmt.Errorf("JWK is not a JSON object: %w", err)}
	}
	for _, m := range privateMembers {
		if _, ok := members[m]; ok {
			if m == "k" {
				return nil, &Error{Kind: BadKey, Err: errors.New("JWK is a symmetric key")}
			}
			return nil, &Error{Kind: PrivateKey, Err: fmt.Errorf("JWK has private member %q", m)}
		}
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		return nil, &Error{Kind: BadKey, Err: fmt.Errorf("JWK: %w", err)}
	}
	if !jwk.IsPublic() {
		return nil, &Error{Kind: PrivateKey, Err: errors.New("JWK is not a public key")}
	}
	return checkPublic(jwk.Key)
}

// FromPEM parses a PEM public key as Open Badges 2.0 CryptographicKey
// documents carry it in publicKeyPem ("PUBLIC KEY", or PKCS #1 "RSA PUBLIC
// KEY"). Private key blocks are refused.
func FromPEM(text string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil {
		return nil, &Error{Kind: BadKey, Err: errors.New("publicKeyPem holds no PEM block")}
	}
	if strings.Contains(block.Type, "PRIVATE") {
		return nil, &Error{Kind: PrivateKey, Err: fmt.Errorf("PEM block %q", block.Type)}
	}
	var (
		pub any
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, &Error{Kind: BadKey, Err: fmt.Errorf("PEM block type %q", block.Type)}
	}
	if err != nil {
		return nil, &Error{Kind: BadKey, Err: err}
	}
	return checkPublic(pub)
}

// fromBase58 reads the raw Ed25519 key of an Ed25519VerificationKey2018
// (publicKeyBase58, no multicodec prefix).
func fromBase58(s string) (crypto.PublicKey, error) {
	if len(s) > maxMultibase {
		return nil, &Error{Kind: BadKey, Err: errors.New("publicKeyBase58 too long")}
	}
	raw, err := base58.Decode(s)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, &Error{Kind: BadKey, Err: fmt.Errorf("publicKeyBase58 is not a 32-byte Ed25519 key (%v)", err)}
	}
	return ed25519.PublicKey(raw), nil
}

// checkPublic accepts the key types Satchel verifies with and refuses weak
// RSA keys.
func checkPublic(pub any) (crypto.PublicKey, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, &Error{Kind: BadKey, Err: fmt.Errorf("Ed25519 key of %d bytes", len(k))}
		}
		return k, nil
	case *ecdsa.PublicKey:
		return k, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, &Error{Kind: BadKey, Err: fmt.Errorf("RSA key of %d bits (minimum %d)", k.N.BitLen(), minRSABits)}
		}
		return k, nil
	}
	return nil, &Error{Kind: BadKey, Err: fmt.Errorf("unsupported key type %T", pub)}
}
