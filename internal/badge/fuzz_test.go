package badge

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

// Fuzz targets call read (without Read's recover) so that a panic is a
// finding. Their seed corpora run in every `go test`.

// checkReadResult asserts what must hold for any input.
func checkReadResult(t *testing.T, in []byte, b *Badge, err error) {
	t.Helper()
	if err != nil {
		var m *MalformedError
		if !errors.Is(err, ErrNotBadge) && !errors.Is(err, ErrNoBadgeData) && !errors.As(err, &m) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		return
	}
	if !bytes.Equal(b.Original, in) {
		t.Fatal("Original is not the input")
	}
	if len(b.Payload) == 0 && b.URL == "" {
		t.Fatal("badge with neither payload nor URL")
	}
	ids := []Identifier{{Type: "email", Value: "a@b.example"}, {Type: "url", Value: "https://a.example"}}
	MatchRecipient(b, ids)
	IssuedTo(b)
	if b.OB2 != nil {
		_ = b.Complete(b.Payload, b.Payload)
	}
}

func FuzzReadPNG(f *testing.F) {
	base := mustPNG(f, 2, 2)
	f.Add(base, false)
	f.Add(base[:40], false)
	f.Add(insertChunk(base, "iTXt", itxt("openbadges", false, assertion20)), false)
	f.Add(insertChunk(base, "tEXt", []byte("openbadges\x00https://i.example/a")), false)
	f.Add(itxt("openbadgecredential", false, credential30), true)
	f.Add(itxt("openbadges", true, "x"), true)
	f.Add([]byte("openbadges\x00\x00\x00"), true)
	f.Add([]byte("openbadges"), true)
	f.Add([]byte("openbadges\x00\x00\x00\x00\x00eyJhIjoxfQ.eyJhIjoxfQ.x"), true)
	f.Fuzz(func(t *testing.T, data []byte, wrap bool) {
		// With wrap, data becomes the payload of a well-formed iTXt chunk so
		// the fuzzer reaches the text parsing past the CRC check.
		if wrap {
			data = insertChunk(base, "iTXt", data)
		}
		b, err := read(data)
		checkReadResult(t, data, b, err)
		got, err := unbakePNG(data)
		if err != nil {
			return
		}
		out, err := Bake(data, got)
		if err != nil {
			return
		}
		again, err := Unbake(out)
		if err != nil || !bytes.Equal(again, trimText(got)) {
			t.Fatalf("rebake changed the data: %v", err)
		}
	})
}

func FuzzReadSVG(f *testing.F) {
	f.Add(plainSVG)
	f.Add(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://i.example/a"/></svg>`)
	f.Add(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[` + credential30 + `]]></openbadges:credential></svg>`)
	f.Add(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>`)
	f.Add(`<svg/>`)
	f.Add(`<svg xmlns:openbadges='http://openbadges.org' a='1'><g><g><openbadges:assertion>x]]&gt;</openbadges:assertion></g></g></svg>`)
	f.Add(`<svg><openbadges:assertion verify="eyJhIjoxfQ.e30.x"></openbadges:assertion>`)
	f.Fuzz(func(t *testing.T, svg string) {
		in := []byte(svg)
		b, err := read(in)
		checkReadResult(t, in, b, err)
		out, err := Bake(in, []byte(assertion20))
		if err != nil {
			return
		}
		got, err := Unbake(out)
		if err != nil || string(got) != assertion20 {
			t.Fatalf("baked SVG does not read back: %v\n%s", err, out)
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add(assertion20)
	f.Add(credential30)
	f.Add(`{"recipient":"a@b.example","salt":1,"issued_on":"x","badge":{"issuer":{"origin":":::"},"image":7,"criteria":"/c"}}`)
	f.Add(`{"uid":1,"recipient":{"hashed":"true"},"badge":{"alignment":[1,{"name":2}],"issuer":[]},"verify":{"type":"signed","url":3},"issuedOn":1e400}`)
	f.Add(`{"@context":"https://w3id.org/openbadges/v1","type":"Assertion","badge":[]}`)
	f.Add(`{"@context":{"x":1},"type":["BadgeClass"],"endorsement":[{"issuer":{}},"u",3],"criteria":{}}`)
	f.Add(`{"type":"VerifiableCredential","credentialSubject":[{"identifier":[{"identityType":1}],"achievement":{"image":{},"endorsementJwt":["a.b.c"]}}],"endorsement":{}}`)
	f.Add(`{"type":"Endorsement","claim":{},"issuer":{"endorsement":{"claim":1}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		in := []byte(s)
		b, err := read(in)
		checkReadResult(t, in, b, err)
	})
}

func FuzzReadJWS(f *testing.F) {
	f.Add([]byte(`{"alg":"RS256"}`), []byte(assertion20), "c2ln")
	f.Add([]byte(`{"alg":"ES256","jwk":{}}`), []byte(`{"vc":`+credential30+`,"iss":"x"}`), "")
	f.Add([]byte(`{}`), []byte(`{"vc":[]}`), "x")
	f.Add([]byte(`[]`), []byte(`null`), "x")
	f.Fuzz(func(t *testing.T, header, payload []byte, sig string) {
		enc := base64.RawURLEncoding
		in := []byte(enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + sig)
		b, err := read(in)
		checkReadResult(t, in, b, err)
		b, err = read([]byte(sig))
		checkReadResult(t, []byte(sig), b, err)
	})
}
