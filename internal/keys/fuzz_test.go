package keys_test

import (
	"context"
	"crypto"
	"encoding/json"
	"strings"
	"testing"

	"github.com/satchel-backpack/satchel/internal/fetch"
	"github.com/satchel-backpack/satchel/internal/keys"
)

// docFetcher answers every URL with the same document.
type docFetcher struct{ body []byte }

func (d docFetcher) Get(_ context.Context, url string, _ fetch.Kind) (*fetch.Response, error) {
	return &fetch.Response{URL: url, Status: 200, ContentType: "application/json", Body: d.body}, nil
}

func FuzzResolve(f *testing.F) {
	mk := "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
	f.Add("did:key:"+mk+"#"+mk, "urn:uuid:1", []byte(`{}`))
	f.Add("https://issuer.example/i#"+mk, "https://issuer.example/i", []byte(`{}`))
	f.Add("did:web:issuer.example#k", "did:web:issuer.example",
		[]byte(`{"id":"did:web:issuer.example","verificationMethod":[{"id":"#k","controller":"did:web:issuer.example","publicKeyMultibase":"`+mk+`"}],"assertionMethod":["#k"]}`))
	f.Add("https://issuer.example/keys/1", "https://issuer.example/i",
		[]byte(`{"id":"https://issuer.example/keys/1","controller":"https://issuer.example/i","publicKeyJwk":{"kty":"OKP","crv":"Ed25519","x":"S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU"}}`))
	f.Add("did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJFZDI1NTE5IiwieCI6IlM5NnYzaTZvdnUtdDJNYVp0Y2ZnY0V6MUVWVFZMaGV5QzNFemZLQk14YVUifQ#0", "x", []byte(`[]`))
	f.Add("did:web:a%3A1:b:c", "did:web:a%3A1:b:c", []byte(`{"id":"did:web:a%3A1:b:c","assertionMethod":[{"id":"x","publicKeyPem":"-----BEGIN PUBLIC KEY-----"}]}`))
	f.Add("https://issuer.example/i#"+mk, "https://issuer.example/i",
		[]byte(`{"id":"https://issuer.example/i","verificationMethod":[{"id":"#k","publicKeyMultibase":"`+mk+`"}],"assertionMethod":["#k"]}`))
	f.Add("did:key:"+mk, "did:key:z6MknNHHrBzPytzu6CUBP9Lg7fg4KSBjzimc2Frh693YbMiv", []byte(`{}`))
	f.Fuzz(func(t *testing.T, vm, issuer string, doc []byte) {
		k, err := keys.Resolve(context.Background(), docFetcher{doc}, vm, issuer)
		if err == nil && (k == nil || k.Public == nil) {
			t.Fatal("no error and no key")
		}
		if err != nil {
			if ke, ok := err.(*keys.Error); ok && ke.Message() == "" {
				t.Fatal("empty message")
			}
			return
		}
		// The binding property: a key counts as the issuer's only when the
		// issuer's own material holds it.
		switch k.Binding {
		case keys.SelfKey:
			own, err := keys.Resolve(context.Background(), docFetcher{doc}, issuer, issuer)
			if !strings.HasPrefix(issuer, "did:key:") && !strings.HasPrefix(issuer, "did:jwk:") || err != nil || !sameKey(own.Public, k.Public) {
				t.Fatalf("self-key binding for %q signed by %q", issuer, vm)
			}
		case keys.DIDDocument, keys.HostedDocument:
			if !assertionMethodHolds(doc, k.Public) && !assertionMethodNames(doc, k.ID, issuer) {
				t.Fatalf("%s binding, but the issuer's document %s does not list %q (%T)", k.Binding, doc, k.ID, k.Public)
			}
		case keys.Unconfirmed:
		default:
			t.Fatalf("binding %q", k.Binding)
		}
	})
}

func sameKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// assertionMethodHolds: some assertionMethod entry (embedded, or a
// verificationMethod it names) carries exactly this key. Decoded here
// independently of the package, from publicKeyMultibase only (the seeds'
// form); other forms are covered by assertionMethodNames.
func assertionMethodHolds(doc []byte, pub crypto.PublicKey) bool {
	var d map[string]any
	if json.Unmarshal(doc, &d) != nil {
		return false
	}
	var nodes []map[string]any
	for _, field := range []string{"assertionMethod", "verificationMethod"} {
		for _, v := range asList(d[field]) {
			if m, ok := v.(map[string]any); ok {
				nodes = append(nodes, m)
			}
		}
	}
	for _, m := range nodes {
		if s, ok := m["publicKeyMultibase"].(string); ok {
			if p, err := keys.FromMultibase(s); err == nil && sameKey(p, pub) {
				return true
			}
		}
	}
	return false
}

// assertionMethodNames: the method id appears, as written or relative to
// the issuer, under assertionMethod.
func assertionMethodNames(doc []byte, id, issuer string) bool {
	var d map[string]any
	if json.Unmarshal(doc, &d) != nil || id == "" {
		return false
	}
	for _, v := range asList(d["assertionMethod"]) {
		ref, _ := v.(string)
		if m, ok := v.(map[string]any); ok {
			ref, _ = m["id"].(string)
			if ref == "" {
				ref, _ = m["@id"].(string)
			}
		}
		if ref == "" {
			continue
		}
		if ref == id || strings.HasSuffix(id, ref) && strings.HasPrefix(id, strings.SplitN(issuer, "#", 2)[0]) {
			return true
		}
	}
	return false
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func FuzzFromJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"S96v3i6ovu-t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","d":"x","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`))
	f.Add([]byte(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys.FromJWK(data)
	})
}

func FuzzFromMultibase(f *testing.F) {
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9")
	f.Add("z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := keys.FromMultibase(s)
		if err != nil {
			return
		}
		back, err := keys.EncodeMultikey(pub)
		if err != nil {
			t.Fatalf("decoded %T but cannot encode it: %v", pub, err)
		}
		again, err := keys.FromMultibase(back)
		if err != nil {
			t.Fatalf("re-encoded key %q does not decode: %v", back, err)
		}
		type equaler interface{ Equal(crypto.PublicKey) bool }
		if !again.(equaler).Equal(pub) {
			t.Fatal("round trip changed the key")
		}
	})
}

func FuzzFromPEM(f *testing.F) {
	f.Add("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAS96v3i6ovu+t2MaZtcfgcEz1EVTVLheyC3EzfKBMxaU=\n-----END PUBLIC KEY-----\n")
	f.Add("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n")
	f.Fuzz(func(t *testing.T, s string) {
		keys.FromPEM(s)
	})
}
