// Package obapi holds what the Open Badges APIs fix to the letter, for
// Satchel's role as a host that learning platforms push badges to: the
// Open Badges 3.0 API with its service description document, Badge
// Connect (Open Badges 2.1) with its manifest, and the OAuth 2.0 rules
// both share. It builds documents and decides requests; it serves
// nothing (no HTTP server, no router, no storage), so the web layer wires
// it and the store keeps what it decides.
//
// # The facts it relies on
//
// Open Badges 3.0 (1EdTech, "Open Badges Specification" v3.0, Final):
//
//   - § 6.2.1 "Scopes": getCredentials needs
//     https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly,
//     upsertCredential …/credential.upsert, getProfile
//     …/profile.readonly, putProfile …/profile.update.
//   - § 6.2.2 getCredentials: GET /ims/ob/v3p0/credentials with limit
//     (positive integer), offset (zero-based), since (date-time: "only
//     include OpenBadgeCredentials issued after this timestamp"); 200 is a
//     GetOpenBadgeCredentialsResponse (Appendix B.2.1: arrays "credential"
//     for JSON credentials and "compactJwsString" for VC-JWT ones; the
//     example in § 6.2.2 spells the latter "compactJwsStrings", the data
//     model wins).
//   - § 6.2.3 upsertCredential: POST /ims/ob/v3p0/credentials, a credential
//     as application/json (or application/vc+ld+json), or a compact JWS as
//     text/plain; 201 when created, 200 when it replaced the same
//     credential ("credential equality and comparison"), the body being
//     the credential as sent, in the same content type.
//   - § 6.2.4/6.2.5 getProfile and putProfile: GET and PUT
//     /ims/ob/v3p0/profile (PUT carries the whole Profile; 400 may refuse
//     values the server cannot check).
//   - Every error response is an Imsx_StatusInfo (B.3.1): imsx_codeMajor
//     (failure, processing, success, unsupported), imsx_severity (error,
//     status, warning), optional imsx_description and imsx_codeMinor
//     {imsx_codeMinorField: [{imsx_codeMinorFieldName,
//     imsx_codeMinorFieldValue}]}; the minor values (B.3.6) pair with
//     statuses: invalid_query_parameter 400, unauthorizedrequest 401,
//     forbidden 403, not_found 404 (failure/status), not_allowed 405,
//     not_acceptable 406, misdirected_request 421, invalid_data 422,
//     server_busy 429, internal_server_error 500, unknown otherwise.
//   - § 6.3 "Service Discovery Endpoint": GET /ims/ob/v3p0/discovery MUST
//     NOT be protected; the ServiceDescriptionDocument (B.4.1) is OpenAPI
//     3.0 with openapi, info (B.4.3: title, version, termsOfService and
//     x-imssf-privacyPolicyUrl required, x-imssf-image optional) and
//     components.securitySchemes.OAuth2ACG (B.4.4: type "oauth2",
//     x-imssf-registrationUrl required; the § 6.3.1 example adds
//     x-imssf-name, x-imssf-privacyPolicyUrl, x-imssf-termsOfServiceUrl
//     and flows.authorizationCode with authorizationUrl, tokenUrl,
//     refreshUrl and scopes).
//   - § 6.4 "Paging": X-Total-Count when the total is known; a Link header
//     when the list is incomplete, with next (when incomplete), last and
//     first (always) and prev (when offset > 0).
//   - § 7 "Open Badges API Security": authorization code grant; dynamic
//     client registration per RFC 7591 with no initial access token;
//     "All URLs MUST use HTTPS … and all URLs MUST have the same
//     hostname"; token_endpoint_auth_method only client_secret_basic;
//     grant_types only authorization_code and refresh_token; response_types
//     only code; 201 Created with client_id, client_secret,
//     client_id_issued_at, client_secret_expires_at (0: never) and every
//     registered value echoed. PKCE MUST be used with code_challenge_method
//     S256; redirect_uri is REQUIRED in the authorization request and must
//     match a registered one; the code is single-use, 600 seconds is the
//     recommended lifetime, and a reused code SHOULD revoke the tokens it
//     gave; the token request authenticates with HTTP Basic; access tokens
//     should live 3600 seconds; a refresh may not widen the scope; token
//     revocation follows RFC 7009. Appendix B.5 lists the error
//     vocabularies (authorization, registration, token).
//
// Open Badges 2.1, Badge Connect API (1EdTech, "Open Badges Specification"
// v2.1):
//
//   - "Manifest": served at /.well-known/badgeconnect.json, with
//     @context https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld, id,
//     and badgeConnectAPI entries holding name, image, apiBase (no trailing
//     slash; endpoints are apiBase + "/assertions" and "/profile"), version
//     (vMAJORpMINOR), termsOfServiceUrl, privacyPolicyUrl, scopesOffered,
//     registrationUrl, authorizationUrl, tokenUrl and optional
//     tokenRevocationUrl. Moodle reads the last entry and turns every
//     "…Url" property into an endpoint.
//   - "Scopes": https://purl.imsglobal.org/spec/ob/v2p1/scope/
//     assertion.readonly, assertion.create, profile.readonly,
//     profile.update, and offline_access (a refresh token).
//   - "Registration": the same RFC 7591 rules as 3.0 (same host name,
//     https, client_secret_basic, scope optional with a default set).
//   - "Pagination": limit, offset, since; Link and X-Total-Count as in 3.0.
//   - "Revocation by Resource Owner": hosts MUST list the authorized
//     clients, when each was authorized, and let the owner revoke them;
//     revoked tokens then answer 401.
//
// RFCs: RFC 6749 (§ 3.1.2 redirect URIs are absolute, without fragment;
// § 3.3 scope is space-delimited and case-sensitive; § 4.1.2.1 and § 5.2
// error codes; invalid_client answers 401), RFC 7591 (§ 2 metadata and
// defaults: token_endpoint_auth_method client_secret_basic, grant_types
// authorization_code, response_types code; unknown metadata ignored;
// § 3.2.2 errors invalid_redirect_uri and invalid_client_metadata with
// HTTP 400), RFC 7636 (S256: code_challenge =
// BASE64URL(SHA256(ASCII(code_verifier))), the verifier 43 to 128
// characters of [A-Za-z0-9-._~]), RFC 7009 (revocation answers 200 even
// for an unknown token; unsupported_token_type), RFC 8288 (Link header
// syntax).
package obapi
