package obapi

import "net/http"

// CodeMajor is Imsx_CodeMajor (OB 3.0 Appendix B.3.2): the outcome.
type CodeMajor string

// The Imsx_CodeMajor values.
const (
	CodeMajorFailure     CodeMajor = "failure"
	CodeMajorProcessing  CodeMajor = "processing"
	CodeMajorSuccess     CodeMajor = "success"
	CodeMajorUnsupported CodeMajor = "unsupported"
)

// Severity is Imsx_Severity (B.3.3).
type Severity string

// The Imsx_Severity values.
const (
	SeverityError   Severity = "error"
	SeverityStatus  Severity = "status"
	SeverityWarning Severity = "warning"
)

// CodeMinor is Imsx_CodeMinorFieldValue (B.3.6): what went wrong, more
// precisely than the HTTP status.
type CodeMinor string

// The Imsx_CodeMinorFieldValue values, each with the HTTP status the
// specification pairs it with in the comment.
const (
	CodeMinorForbidden             CodeMinor = "forbidden"               // 403
	CodeMinorFullSuccess           CodeMinor = "fullsuccess"             // 200
	CodeMinorInternalServerError   CodeMinor = "internal_server_error"   // 500
	CodeMinorInvalidData           CodeMinor = "invalid_data"            // 422
	CodeMinorInvalidQueryParameter CodeMinor = "invalid_query_parameter" // 400
	CodeMinorMisdirectedRequest    CodeMinor = "misdirected_request"     // 421
	CodeMinorNotAcceptable         CodeMinor = "not_acceptable"          // 406
	CodeMinorNotAllowed            CodeMinor = "not_allowed"             // 405
	CodeMinorNotFound              CodeMinor = "not_found"               // 404
	CodeMinorNotModified           CodeMinor = "not_modified"            // 304
	CodeMinorServerBusy            CodeMinor = "server_busy"             // 429
	CodeMinorUnauthorizedRequest   CodeMinor = "unauthorizedrequest"     // 401
	CodeMinorUnknown               CodeMinor = "unknown"                 // any other
)

// StatusInfo is the Imsx_StatusInfo payload (B.3.1) every error response
// of the Open Badges 3.0 API carries, with the JSON names the
// specification gives.
type StatusInfo struct {
	CodeMajor   CodeMajor       `json:"imsx_codeMajor"`
	Severity    Severity        `json:"imsx_severity"`
	Description string          `json:"imsx_description,omitempty"`
	CodeMinor   *StatusCodeInfo `json:"imsx_codeMinor,omitempty"`
}

// StatusCodeInfo is Imsx_CodeMinor (B.3.4): one or more code minor fields.
type StatusCodeInfo struct {
	Fields []CodeMinorField `json:"imsx_codeMinorField"`
}

// CodeMinorField is Imsx_CodeMinorField (B.3.5).
type CodeMinorField struct {
	// Name identifies the system that reports the code.
	Name  string    `json:"imsx_codeMinorFieldName"`
	Value CodeMinor `json:"imsx_codeMinorFieldValue"`
}

// statusSystem names Satchel as the system that produced a code minor.
const statusSystem = "Satchel"

// Failure is the status payload for a refusal: code major failure, the
// severity the specification pairs with minor (status for not_found,
// error otherwise), and description, which must be safe to show to the
// client (it reaches the platform and, through it, perhaps the learner).
func Failure(minor CodeMinor, description string) StatusInfo {
	sev := SeverityError
	if minor == CodeMinorNotFound {
		sev = SeverityStatus
	}
	return StatusInfo{
		CodeMajor:   CodeMajorFailure,
		Severity:    sev,
		Description: description,
		CodeMinor:   &StatusCodeInfo{Fields: []CodeMinorField{{Name: statusSystem, Value: minor}}},
	}
}

// Minor is the payload's first code minor value, or "" when it has none.
func (s StatusInfo) Minor() CodeMinor {
	if s.CodeMinor == nil || len(s.CodeMinor.Fields) == 0 {
		return ""
	}
	return s.CodeMinor.Fields[0].Value
}

// MinorForStatus is the code minor the specification pairs with an HTTP
// error status, and unknown for any other.
func MinorForStatus(status int) CodeMinor {
	switch status {
	case http.StatusBadRequest:
		return CodeMinorInvalidQueryParameter
	case http.StatusUnauthorized:
		return CodeMinorUnauthorizedRequest
	case http.StatusForbidden:
		return CodeMinorForbidden
	case http.StatusNotFound:
		return CodeMinorNotFound
	case http.StatusMethodNotAllowed:
		return CodeMinorNotAllowed
	case http.StatusNotAcceptable:
		return CodeMinorNotAcceptable
	case http.StatusMisdirectedRequest:
		return CodeMinorMisdirectedRequest
	case http.StatusUnprocessableEntity:
		return CodeMinorInvalidData
	case http.StatusTooManyRequests:
		return CodeMinorServerBusy
	case http.StatusInternalServerError:
		return CodeMinorInternalServerError
	}
	return CodeMinorUnknown
}

// StatusFor is the payload for an HTTP error status, with the code minor
// the specification pairs with it.
func StatusFor(status int, description string) StatusInfo {
	return Failure(MinorForStatus(status), description)
}
