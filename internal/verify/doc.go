package verify

// Check ids are stable; pages and the CLI may rely on them. A report lists
// them in the order the checks ran; an id can appear more than once (one
// per node or proof).
//
//	format          what was read: image, JSON, JWS or URL; version; type
//	fetch           a badge given as a URL was fetched
//	internal        Satchel itself failed (a recovered panic); never passes
//
// Open Badges 2.0 (and 0.5 / 1.0 / 1.1, checked in their upgraded form):
//
//	hosted          the assertion was fetched from its id (hosted badges)
//	moved           a node served at one URL says it lives elsewhere, and the
//	                copy there differs (warning; that copy is used)
//	context         @context is the Open Badges 2.0 context
//	type            type values are defined and name the expected class
//	structure       required properties and their forms
//	signature       RS256 JWS signature (signed badges)
//	badgeclass      the BadgeClass: fetched, typed, complete
//	issuer          the Issuer profile: fetched, typed, complete
//	issuer-id       the issuer id is not a web address (warning)
//	issuer-policy   the hosted assertion's URL is allowed by the issuer
//	                (allowedOrigins / startsWith; default: the issuer id's host)
//	key             the signing key is listed in the issuer's publicKey
//	revocation-list the issuer's revocationList was read
//	revocation      HTTP 410, "revoked": true, or listed as revoked
//	image           Assertion image is not a data: URI; images are PNG/SVG
//	issued          issuedOn present, readable, not in the future
//	expiry          not expired
//	expiry-order    expires before it was issued
//	extensions      extension nodes match their extension's JSON Schema
//	endorsements    endorsements verified (a bad one is only a warning)
//	badge           (skipped) the input is a BadgeClass, Issuer or other node
//	recipient       issued to one of the given verified identifiers
//
// Open Badges 3.0:
//
//	context         VC v2 (or outdated 1.1: warning) then an OB 3.0 context
//	                (an older 3.0.x one: warning)
//	type            VerifiableCredential and OpenBadgeCredential /
//	                AchievementCredential (or EndorsementCredential)
//	schema          1EdTech JSON Schema
//	key             the proof's or JWT's key resolves and belongs to the issuer
//	proof           each embedded Data Integrity proof verifies
//	signature       VC-JWT signature (RS256, ES256, EdDSA)
//	jwt-format      VC-JWT with a "vc" claim (VCDM 1.1; warning)
//	jwt-claims      iss, sub, jti, nbf, exp agree with the credential
//	revocation      credentialStatus: 1EdTechRevocationList, Bitstring /
//	                2021 status lists (unreachable list: warning)
//	issued, expiry, expiry-order   validFrom / validUntil (or the VCDM 1.1
//	                names, or a VC-JWT's nbf / exp)
//	endorsements, recipient        as for 2.0
