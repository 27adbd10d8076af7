package obapi

// The operations of the Open Badges 3.0 API as the service description
// document lists them (OB 3.0 § 6.2 and § 6.3), with their operationIds,
// parameters, the scope each needs and their responses. Payload schemas
// are left to the specification's own OpenAPI file.

type pathItem struct {
	Get  *operation `json:"get,omitempty"`
	Post *operation `json:"post,omitempty"`
	Put  *operation `json:"put,omitempty"`
}

type operation struct {
	Tags        []string             `json:"tags,omitempty"`
	Summary     string               `json:"summary"`
	OperationID string               `json:"operationId"`
	Parameters  []parameter          `json:"parameters,omitempty"`
	RequestBody *requestBody         `json:"requestBody,omitempty"`
	Responses   map[string]response  `json:"responses"`
	Security    []map[string][]Scope `json:"security,omitempty"`
}

type parameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Schema      schema `json:"schema"`
}

type schema struct {
	Type    string `json:"type"`
	Format  string `json:"format,omitempty"`
	Minimum *int   `json:"minimum,omitempty"`
}

type requestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]mediaType `json:"content"`
}

type mediaType struct {
	Schema schema `json:"schema"`
}

type response struct {
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content,omitempty"`
}

func intp(n int) *int { return &n }

var (
	jsonObject = map[string]mediaType{"application/json": {Schema: schema{Type: "object"}}}
	// credentialBody: a credential as JSON, or as a compact JWS in text
	// (OB 3.0 § 6.2.3.1).
	credentialBody = map[string]mediaType{
		"application/json": {Schema: schema{Type: "object"}},
		"text/plain":       {Schema: schema{Type: "string"}},
	}
)

// errorResponses are the Imsx_StatusInfo responses for the given status
// codes, plus the default.
func errorResponses(codes ...string) map[string]response {
	descriptions := map[string]string{
		"304": "Not modified.",
		"400": "The request was not understood.",
		"401": "The access token is missing, expired or revoked.",
		"403": "The access token does not have the scope this operation needs.",
		"404": "Not found.",
		"405": "Method not allowed.",
		"500": "Something went wrong on the server.",
	}
	out := map[string]response{"default": {Description: "The request was invalid or cannot be served (Imsx_StatusInfo).", Content: jsonObject}}
	for _, c := range codes {
		out[c] = response{Description: descriptions[c] + " (Imsx_StatusInfo)", Content: jsonObject}
	}
	return out
}

func with(rs map[string]response, code string, r response) map[string]response {
	rs[code] = r
	return rs
}

func needs(s Scope) []map[string][]Scope {
	return []map[string][]Scope{{securitySchemeName: {s}}}
}

func ob3Paths() map[string]pathItem {
	upsert := errorResponses("304", "400", "401", "403", "404", "405", "500")
	upsert["200"] = response{Description: "Replaced: the credential, as sent.", Content: credentialBody}
	upsert["201"] = response{Description: "Created: the credential, as sent.", Content: credentialBody}
	return map[string]pathItem{
		"/credentials": {
			Get: &operation{
				Tags: []string{"OpenBadgeCredentials"}, Summary: "The learner's credentials, a page at a time.", OperationID: "getCredentials",
				Parameters: []parameter{
					{Name: "limit", In: "query", Description: "The maximum number of OpenBadgeCredentials to return per page.", Schema: schema{Type: "integer", Format: "int32", Minimum: intp(1)}},
					{Name: "offset", In: "query", Description: "The index of the first AchievementCredential to return. (zero indexed)", Schema: schema{Type: "integer", Format: "int32", Minimum: intp(0)}},
					{Name: "since", In: "query", Description: "Only include OpenBadgeCredentials issued after this timestamp.", Schema: schema{Type: "string", Format: "date-time"}},
				},
				Responses: with(errorResponses("400", "401", "403", "405", "500"), "200", response{
					Description: "GetOpenBadgeCredentialsResponse; X-Total-Count and Link headers page it.", Content: jsonObject,
				}),
				Security: needs(ScopeCredentialReadonly),
			},
			Post: &operation{
				Tags: []string{"OpenBadgeCredentials"}, Summary: "Add a credential to the learner's backpack, or replace the one with the same id.", OperationID: "upsertCredential",
				RequestBody: &requestBody{Required: true, Content: credentialBody},
				Responses:   upsert,
				Security:    needs(ScopeCredentialUpsert),
			},
		},
		"/profile": {
			Get: &operation{
				Tags: []string{"OpenBadgeCredentials"}, Summary: "The learner's profile.", OperationID: "getProfile",
				Responses: with(errorResponses("400", "401", "403", "404", "405", "500"), "200", response{Description: "The Profile.", Content: jsonObject}),
				Security:  needs(ScopeProfileReadonly),
			},
			Put: &operation{
				Tags: []string{"OpenBadgeCredentials"}, Summary: "Update the learner's profile.", OperationID: "putProfile",
				RequestBody: &requestBody{Required: true, Content: jsonObject},
				Responses: with(with(errorResponses("304", "400", "401", "403", "404", "405", "500"),
					"200", response{Description: "The Profile.", Content: jsonObject}),
					"202", response{Description: "Accepted for processing (Imsx_StatusInfo).", Content: jsonObject}),
				Security: needs(ScopeProfileUpdate),
			},
		},
		"/discovery": {
			Get: &operation{
				Tags: []string{"Discovery"}, Summary: "This service description document.", OperationID: "getServiceDescription",
				Responses: with(errorResponses(), "200", response{Description: "The ServiceDescriptionDocument.", Content: jsonObject}),
			},
		},
	}
}
