package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/satchel-backpack/satchel/internal/backpack"
	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/fail"
	"github.com/satchel-backpack/satchel/internal/obapi"
	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/store"
)

// The resource endpoints of the Open Badges 3.0 API (OB 3.0 § 6.2) and of
// Badge Connect 2.1, for platforms a learner connected. A pushed badge
// goes through the same reading, verification and recipient matching as
// an upload (backpack.Service.Push).

const (
	// apiPageSize and apiMaxPageSize are the list endpoints' default and
	// largest limit.
	apiPageSize    = 50
	apiMaxPageSize = 200
	// maxNameRunes caps a name a platform sets.
	maxNameRunes = 100
)

// ctxAccess holds what the request's access token allows.
const ctxAccess = "oauthAccess"

// requireToken admits a request with a valid bearer access token
// (RFC 6750) that carries the scope need. Without one it answers 401 with
// a Bearer challenge; with too narrow a token, 403 (insufficient_scope).
func (s *Server) requireToken(need obapi.Scope) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			auth := c.Request().Header.Get(echo.HeaderAuthorization)
			scheme, token, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				h.Set("WWW-Authenticate", `Bearer realm="Satchel"`)
				return fail.New(fail.Unauthorized, "An access token is required (Authorization: Bearer).")
			}
			a, err := s.db.OAuthAccessByToken(c.Request().Context(), strings.TrimSpace(token), s.now())
			if err != nil {
				if fail.CodeOf(err) == fail.Unauthorized {
					h.Set("WWW-Authenticate", `Bearer realm="Satchel", error="invalid_token", error_description="the access token is unknown, expired or revoked"`)
				}
				return err
			}
			if !a.Scopes.Has(need) {
				h.Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="Satchel", error="insufficient_scope", scope=%q`, string(need)))
				return fail.New(fail.Forbidden, "The access token does not carry the scope "+string(need)+".")
			}
			c.Set(ctxAccess, a)
			return next(c)
		}
	}
}

// tokenAccess is what the request's access token allows (requireToken).
func tokenAccess(c echo.Context) *store.OAuthAccess {
	a, _ := c.Get(ctxAccess).(*store.OAuthAccess)
	return a
}

// apiList is one page of the learner's badges of the given versions, by
// the request's limit, offset and since, with the paging headers (OB 3.0
// § 6.4).
func (s *Server) apiList(c echo.Context, versions []string) ([]store.APIBadge, error) {
	p, err := obapi.ParsePage(c.QueryParams(), apiPageSize, apiMaxPageSize)
	if err != nil {
		return nil, fail.Wrap(fail.Malformed, err.Error(), err)
	}
	list, total, err := s.db.APIBadges(c.Request().Context(), tokenAccess(c).UserID, versions, p.Since, p.Limit, p.Offset)
	if err != nil {
		return nil, err
	}
	h := c.Response().Header()
	h.Set("X-Total-Count", obapi.TotalCount(total))
	u := *c.Request().URL
	u.Scheme, u.Host = s.baseURL.Scheme, s.baseURL.Host
	u.Path = strings.TrimSuffix(s.baseURL.Path, "/") + u.Path
	if link := obapi.Links(&u, p, total); link != "" {
		h.Set("Link", link)
	}
	h.Set("Cache-Control", "no-store")
	return list, nil
}

// getCredentialsResponse is GetOpenBadgeCredentialsResponse (OB 3.0
// B.2.1).
type getCredentialsResponse struct {
	Credential       []json.RawMessage `json:"credential"`
	CompactJwsString []string          `json:"compactJwsString"`
}

// handleOB3Credentials is getCredentials: the learner's Open Badges 3.0
// credentials, as they were received.
func (s *Server) handleOB3Credentials(c echo.Context) error {
	list, err := s.apiList(c, []string{string(badge.V3_0)})
	if err != nil {
		return err
	}
	out := getCredentialsResponse{Credential: []json.RawMessage{}, CompactJwsString: []string{}}
	for _, b := range list {
		if b.JWS != "" {
			out.CompactJwsString = append(out.CompactJwsString, b.JWS)
		} else if json.Valid([]byte(b.Payload)) {
			out.Credential = append(out.Credential, json.RawMessage(b.Payload))
		}
	}
	return c.JSON(http.StatusOK, out)
}

// handleOB3Upsert is upsertCredential: a credential as JSON, or a compact
// JWS as text/plain. 201 when it is new to the backpack, 200 when it
// replaced (or already was) the same credential; the body is the
// credential as sent.
func (s *Server) handleOB3Upsert(c echo.Context) error {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch ct {
	case "application/json", "application/vc+ld+json", "application/ld+json", "text/plain":
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Send the credential as application/json, or its compact JWS as text/plain.")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return fail.New(fail.Malformed, "The request has no credential in it.")
	}
	res, err := s.push(c, body)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Outcome == backpack.Added {
		status = http.StatusCreated
	}
	if ct == "text/plain" {
		return c.Blob(status, "text/plain; charset=utf-8", body)
	}
	return c.Blob(status, ct, body)
}

// push hands the badge to the use case and turns a refusal into an error
// that names the reason.
func (s *Server) push(c echo.Context, data []byte) (backpack.ImportResult, error) {
	a := tokenAccess(c)
	res, err := s.bp.Push(backpack.WithLog(c.Request().Context(), logger(c)), a.UserID, backpack.Sender{ClientID: a.ClientRef, Name: a.ClientName}, data)
	if err != nil {
		return res, err
	}
	if res.Outcome == backpack.Refused {
		msg := res.Message
		for _, d := range res.Details {
			msg += " " + d
		}
		return res, fail.New(fail.Invalid, strings.TrimSpace(msg))
	}
	logger(c).Info("badge pushed", "client_id", a.ClientID, "outcome", string(res.Outcome), "badge", res.BadgeID)
	return res, nil
}

// apiProfile is the learner's profile as both APIs give it: OB 3.0's
// Profile (B.1.x: id, type, name, email) and, with its own context and
// type, Badge Connect's.
type apiProfile struct {
	Context string   `json:"@context,omitempty"`
	ID      string   `json:"id,omitempty"`
	Type    any      `json:"type"`
	Name    string   `json:"name,omitempty"`
	Email   string   `json:"email,omitempty"`
	URL     string   `json:"url,omitempty"`
	Emails  []string `json:"-"`
}

// profile is the learner's profile for a platform: their name, their
// first confirmed email address, and their public page when they have one.
func (s *Server) profile(c echo.Context) (apiProfile, error) {
	ctx := c.Request().Context()
	a := tokenAccess(c)
	u, err := s.db.User(ctx, a.UserID)
	if err != nil {
		return apiProfile{}, err
	}
	p := apiProfile{ID: s.learnerURI(a.UserID), Name: u.Name}
	ids, err := s.db.VerifiedIdentifiers(ctx, a.UserID)
	if err != nil {
		return apiProfile{}, err
	}
	for _, id := range ids {
		if id.Type == "email" {
			p.Emails = append(p.Emails, id.Value)
		}
	}
	if len(p.Emails) > 0 {
		p.Email = p.Emails[0]
	}
	if pr, err := s.db.ProfileOf(ctx, a.UserID); err == nil && pr != nil && pr.Handle != "" {
		p.URL = s.abs(paths.PublicProfile(pr.Handle))
	} else if err != nil && fail.CodeOf(err) == fail.Internal {
		return apiProfile{}, err
	}
	return p, nil
}

// learnerURI is the learner's profile id for platforms: a URN that stays
// the same for this Satchel and learner (a name-based UUID, RFC 9562
// version 5 layout, over the site's address and the account), telling
// nothing about the account's number.
func (s *Server) learnerURI(userID int64) string {
	sum := sha256.Sum256([]byte(s.baseURL.String() + "\x00learner\x00" + strconv.FormatInt(userID, 10)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// handleOB3Profile is getProfile.
func (s *Server) handleOB3Profile(c echo.Context) error {
	p, err := s.profile(c)
	if err != nil {
		return err
	}
	p.Type = []string{"Profile"}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, p)
}

// handleOB3ProfileUpdate is putProfile. A platform may change the
// learner's name; every other value must be the one Satchel has (email
// addresses are confirmed by the learner in Satchel, never by a
// platform), else 400 names the field.
func (s *Server) handleOB3ProfileUpdate(c echo.Context) error {
	p, err := s.updateProfile(c)
	if err != nil {
		return err
	}
	p.Type = []string{"Profile"}
	return c.JSON(http.StatusOK, p)
}

// updateProfile reads a Profile and keeps its name. Every other value
// must be Satchel's own (as getProfile gives it) or absent: a value
// Satchel would not keep is refused, never silently dropped.
func (s *Server) updateProfile(c echo.Context) (apiProfile, error) {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return apiProfile{}, err // over the body limit: 413
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		return apiProfile{}, fail.Wrap(fail.Malformed, "The profile is not a JSON object.", err)
	}
	cur, err := s.profile(c)
	if err != nil {
		return apiProfile{}, err
	}
	for field, raw := range in {
		switch field {
		case "@context", "type", "name", "email":
		case "id", "url":
			var v string
			if json.Unmarshal(raw, &v) != nil || v != map[string]string{"id": cur.ID, "url": cur.URL}[field] {
				return apiProfile{}, fail.New(fail.Invalid, field+" cannot be changed by a platform.")
			}
		default:
			return apiProfile{}, fail.New(fail.Invalid, field+" is not kept by Satchel: a platform may change the learner's name only.")
		}
	}
	var name string
	if raw, ok := in["name"]; ok {
		if err := json.Unmarshal(raw, &name); err != nil {
			return apiProfile{}, fail.New(fail.Malformed, "name must be a string.")
		}
		name = strings.TrimSpace(name)
		if name == "" || utf8.RuneCountInString(name) > maxNameRunes || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return apiProfile{}, fail.New(fail.Invalid, fmt.Sprintf("name must be 1 to %d characters on one line.", maxNameRunes))
		}
	}
	if raw, ok := in["email"]; ok {
		var email string
		if err := json.Unmarshal(raw, &email); err != nil || !strings.EqualFold(email, cur.Email) && !containsFold(cur.Emails, email) {
			return apiProfile{}, fail.New(fail.Invalid, "email cannot be changed by a platform: the learner confirms their addresses in Satchel.")
		}
	}
	if name != "" && name != cur.Name {
		if err := s.db.SetUserName(c.Request().Context(), tokenAccess(c).UserID, name); err != nil {
			return apiProfile{}, err
		}
		cur.Name = name
	}
	return cur, nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Badge Connect 2.1.

// bcStatus is Badge Connect's status object, in every response.
type bcStatus struct {
	Error      *string `json:"error"`
	StatusCode int     `json:"statusCode"`
	StatusText string  `json:"statusText"`
}

type bcResponse struct {
	Status  bcStatus `json:"status"`
	Results any      `json:"results,omitempty"`
}

func bcOK(results any) bcResponse {
	return bcResponse{Status: bcStatus{StatusCode: http.StatusOK, StatusText: http.StatusText(http.StatusOK)}, Results: results}
}

// handleBCAssertions is Badge Connect's getAssertions: the learner's Open
// Badges 2.0 assertions.
func (s *Server) handleBCAssertions(c echo.Context) error {
	list, err := s.apiList(c, []string{string(badge.V2_0)})
	if err != nil {
		return err
	}
	results := []json.RawMessage{}
	for _, b := range list {
		if json.Valid([]byte(b.Payload)) {
			results = append(results, json.RawMessage(b.Payload))
		}
	}
	return c.JSON(http.StatusOK, bcOK(results))
}

// handleBCPostAssertion is Badge Connect's postAssertion: {"assertion":
// …}, the assertion itself or an object with only its id (a hosted
// assertion's address).
func (s *Server) handleBCPostAssertion(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // over the body limit: 413
	}
	var in struct {
		Assertion json.RawMessage `json:"assertion"`
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.Assertion) == 0 {
		return fail.New(fail.Malformed, `The body must be a JSON object {"assertion": …}.`)
	}
	data := []byte(in.Assertion)
	var only map[string]json.RawMessage
	if json.Unmarshal(in.Assertion, &only) == nil && len(only) == 1 {
		var id string
		if json.Unmarshal(only["id"], &id) == nil && id != "" {
			data = []byte(id)
		}
	}
	if _, err := s.push(c, data); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bcOK(nil))
}

// handleBCProfile is Badge Connect's getProfile.
func (s *Server) handleBCProfile(c echo.Context) error {
	p, err := s.profile(c)
	if err != nil {
		return err
	}
	p.Context, p.Type = "https://w3id.org/openbadges/v2", "Profile"
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, bcOK([]apiProfile{p}))
}

// handleBCProfileUpdate is Badge Connect's postProfile, with putProfile's
// rules.
func (s *Server) handleBCProfileUpdate(c echo.Context) error {
	p, err := s.updateProfile(c)
	if err != nil {
		return err
	}
	p.Context, p.Type = "https://w3id.org/openbadges/v2", "Profile"
	return c.JSON(http.StatusOK, bcOK([]apiProfile{p}))
}

// apiErrorKind is how a route of the Open Badges APIs answers an error.
type apiErrorKind int

const (
	notAPI       apiErrorKind = iota
	oauthAPI                  // RFC 6749 § 5.2 / RFC 7591 § 3.2.2: {"error", "error_description"}
	ob3API                    // OB 3.0 Imsx_StatusInfo
	badgeConnect              // Badge Connect's {"status": {…}}
)

// apiKindOf tells, by its path, how a request's error is answered.
func apiKindOf(path string) apiErrorKind {
	switch {
	case path == paths.OAuthToken || path == paths.OAuthRevoke || path == paths.OAuthRegister:
		return oauthAPI
	case strings.HasPrefix(path, obapi.OB3Base+"/"):
		return ob3API
	case strings.HasPrefix(path, obapi.BadgeConnectBase+"/"), path == paths.BadgeConnectManifest:
		return badgeConnect
	}
	return notAPI
}

// writeAPIError answers an error on a route of the Open Badges APIs in
// that API's own format, with message (safe to show) as its description.
func writeAPIError(c echo.Context, kind apiErrorKind, status int, err error, message string) error {
	switch kind {
	case oauthAPI:
		var oe *obapi.OAuthError
		if errors.As(err, &oe) {
			if status < 500 && status != http.StatusTooManyRequests && status != http.StatusRequestEntityTooLarge {
				status = oe.Status()
			}
		} else {
			code := obapi.ErrServerError
			switch {
			case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
				code = obapi.ErrTemporarilyUnavailable
			case status < 500:
				code = obapi.ErrInvalidRequest
			}
			oe = obapi.NewOAuthError(code, message)
		}
		return c.JSON(status, oe)
	case badgeConnect:
		msg := message
		return c.JSON(status, bcResponse{Status: bcStatus{Error: &msg, StatusCode: status, StatusText: http.StatusText(status)}})
	default:
		return c.JSON(status, obapi.StatusFor(status, message))
	}
}
