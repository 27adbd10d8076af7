package obapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/satchel-backpack/satchel/internal/obapi"
)

func TestFailure_MarshalsAsImsxStatusInfo(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(obapi.Failure(obapi.CodeMinorInvalidData, "The badge is issued to someone else."))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"imsx_codeMajor":"failure","imsx_severity":"error","imsx_description":"The badge is issued to someone else.",` +
		`"imsx_codeMinor":{"imsx_codeMinorField":[{"imsx_codeMinorFieldName":"Satchel","imsx_codeMinorFieldValue":"invalid_data"}]}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestFailure_NotFoundIsAStatusNotAnError(t *testing.T) {
	t.Parallel()
	// B.3.6: not_found goes with failure/status, the others with failure/error.
	if got := obapi.Failure(obapi.CodeMinorNotFound, "").Severity; got != obapi.SeverityStatus {
		t.Errorf("not_found severity = %q, want status", got)
	}
	if got := obapi.Failure(obapi.CodeMinorForbidden, "").Severity; got != obapi.SeverityError {
		t.Errorf("forbidden severity = %q, want error", got)
	}
}

func TestStatusFor_PairsStatusesWithTheSpecificationsCodeMinor(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]obapi.CodeMinor{
		http.StatusBadRequest:            obapi.CodeMinorInvalidQueryParameter,
		http.StatusUnauthorized:          obapi.CodeMinorUnauthorizedRequest,
		http.StatusForbidden:             obapi.CodeMinorForbidden,
		http.StatusNotFound:              obapi.CodeMinorNotFound,
		http.StatusMethodNotAllowed:      obapi.CodeMinorNotAllowed,
		http.StatusNotAcceptable:         obapi.CodeMinorNotAcceptable,
		http.StatusMisdirectedRequest:    obapi.CodeMinorMisdirectedRequest,
		http.StatusUnprocessableEntity:   obapi.CodeMinorInvalidData,
		http.StatusTooManyRequests:       obapi.CodeMinorServerBusy,
		http.StatusInternalServerError:   obapi.CodeMinorInternalServerError,
		http.StatusRequestEntityTooLarge: obapi.CodeMinorUnknown,
	} {
		s := obapi.StatusFor(status, "x")
		if s.Minor() != want || s.CodeMajor != obapi.CodeMajorFailure {
			t.Errorf("StatusFor(%d) = %s/%s, want failure/%s", status, s.CodeMajor, s.Minor(), want)
		}
	}
	if (obapi.StatusInfo{}).Minor() != "" {
		t.Error("a payload without code minor has no minor")
	}
}

func TestFailure_OmitsAnEmptyDescription(t *testing.T) {
	t.Parallel()
	b, _ := json.Marshal(obapi.Failure(obapi.CodeMinorForbidden, ""))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["imsx_description"]; ok {
		t.Errorf("imsx_description is [0..1]: leave it out when empty, got %s", b)
	}
}
