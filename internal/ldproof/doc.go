// Package ldproof canonicalizes JSON-LD documents, verifies and makes Data
// Integrity proofs, and validates Open Badges 3.0 credentials against the
// 1EdTech JSON Schemas.
//
//   - Canonicalize gives the RDFC-1.0 (URDNA2015) N-Quads of a document;
//     CheckJSONLD only expands it. Contexts come from the documents embedded
//     in contexts/ and are never fetched; a term or type that no context
//     defines is an error naming it (ErrJSONLD).
//   - Proofs lists a document's embedded proofs; Verify checks one with the
//     issuer's public key: DataIntegrityProof with eddsa-rdfc-2022 or the
//     legacy eddsa-2022, and Ed25519Signature2020 (ed25519.PublicKey), and
//     derived ecdsa-sd-2023 proofs (*ecdsa.PublicKey on P-256). Sign makes
//     the Ed25519 kinds, for tests and sample badges.
//   - ValidateSchema checks raw JSON against an embedded schema and reports a
//     *SchemaError with a summary and each problem's JSON Pointer.
//
// Errors wrap one of ErrJSONLD, ErrTooComplex, ErrUnsupportedProof,
// ErrProofPurpose, ErrMalformedProof, ErrKeyType or ErrSignature, so a caller
// can choose the sentence to show a learner; the wrapping text has the
// technical detail.
//
// Hostile input is bounded: json-gold is not trusted to stay fast, so
// documents with more than 10,000 objects, very long lists, deep nesting, or
// blank nodes that canonicalization could only tell apart by trying
// permutations ("poison graphs") are refused with ErrTooComplex, and panics
// inside json-gold become errors.
//
// Processed contexts and compiled schemas are built once and shared
// read-only; nothing else is kept between calls.
package ldproof
