package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-backpack/satchel/internal/badgetest"
)

// signedCredential makes an Open Badges 3.0 credential signed with a fresh
// did:key, as an issuer would.
func signedCredential(t *testing.T, subjectID string) []byte {
	t.Helper()
	k := badgetest.MustDIDKey(t)
	did := k.DID
	cred := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:2a1d1d52-9c3c-4b67-9d0e-6f35c4a0b1a1",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": did, "type": []any{"Profile"}, "name": "Test Issuer"},
		"validFrom": "2024-01-01T00:00:00Z",
		"name":      "Test Badge",
		"credentialSubject": map[string]any{
			"id":   subjectID,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "https://issuer.example/achievements/1",
				"type":        []any{"Achievement"},
				"name":        "Test Badge",
				"description": "Awarded in a test.",
				"criteria":    map[string]any{"narrative": "Run the tests."},
			},
		},
	}
	signed := k.MustSign(t, cred, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	data, err := json.Marshal(signed)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(f func([]string, *bytes.Reader, *bytes.Buffer, *bytes.Buffer) int, args []string, stdin []byte) (int, string, string) {
	var out, errb bytes.Buffer
	code := f(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func verifyCmd(args []string, in *bytes.Reader, out, errb *bytes.Buffer) int {
	return runVerify(args, in, out, errb)
}
func unbakeCmd(args []string, in *bytes.Reader, out, errb *bytes.Buffer) int {
	return runUnbake(args, in, out, errb)
}
func bakeCmd(args []string, in *bytes.Reader, out, errb *bytes.Buffer) int {
	return runBake(args, in, out, errb)
}

func TestVerify_SignedCredentialIsValid(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "badge.json", signedCredential(t, "mailto:learner@example.net"))
	code, out, errOut := run(verifyCmd, []string{p}, nil)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Badge: Test Badge", "PASS  proof", "PASS  schema", "SKIP  recipient", "Verdict: VALID"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVerify_JSONReport(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "badge.json", signedCredential(t, "mailto:learner@example.net"))
	code, out, _ := run(verifyCmd, []string{"--json", "--recipient", "learner@example.net", p}, nil)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var rep struct {
		Verdict string `json:"verdict"`
		Checks  []struct {
			ID, Status, Message, Detail string
		} `json:"checks"`
		Badge map[string]any `json:"badge"`
		RanAt time.Time      `json:"ran_at"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Verdict != "valid" || rep.RanAt.IsZero() {
		t.Errorf("verdict %q ran_at %v", rep.Verdict, rep.RanAt)
	}
	statuses := map[string]string{}
	for _, c := range rep.Checks {
		if c.Message == "" {
			t.Errorf("check %s has no message", c.ID)
		}
		statuses[c.ID] = c.Status
	}
	if statuses["proof"] != "passed" || statuses["recipient"] != "passed" {
		t.Errorf("statuses %v", statuses)
	}
	if rep.Badge["name"] != "Test Badge" || rep.Badge["version"] != "3.0" {
		t.Errorf("badge %v", rep.Badge)
	}
	for k := range rep.Badge {
		if k != strings.ToLower(k) {
			t.Errorf("badge key %q is not lower case", k)
		}
	}
}

func TestVerify_TamperedCredentialIsInvalid(t *testing.T) {
	t.Parallel()
	data := bytes.Replace(signedCredential(t, "mailto:learner@example.net"), []byte(`"name":"Test Badge"`), []byte(`"name":"Forged Badge"`), 1)
	p := writeFile(t, "badge.json", data)
	code, out, _ := run(verifyCmd, []string{p}, nil)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "FAIL  proof") || !strings.Contains(out, "Verdict: NOT VALID") {
		t.Errorf("output:\n%s", out)
	}
}

func TestVerify_RecipientMustMatch(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "badge.json", signedCredential(t, "mailto:learner@example.net"))
	code, out, _ := run(verifyCmd, []string{"--recipient", "someone.else@example.net", p}, nil)
	if code != 1 || !strings.Contains(out, "FAIL  recipient") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	code, out, _ = run(verifyCmd, []string{"--recipient", "email:Learner@Example.net", p}, nil)
	if code != 0 || !strings.Contains(out, "PASS  recipient") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestVerify_ReadsStandardInput(t *testing.T) {
	t.Parallel()
	code, out, _ := run(verifyCmd, []string{"-"}, signedCredential(t, "did:example:1"))
	if code != 0 || !strings.Contains(out, "Verdict: VALID") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestVerify_NotABadgeExits2(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "notes.txt", []byte("just some notes, not a badge"))
	code, out, _ := run(verifyCmd, []string{p}, nil)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	if !strings.Contains(out, "not an Open Badge") {
		t.Errorf("output does not say why:\n%s", out)
	}
	if code, _, errOut := run(verifyCmd, []string{filepath.Join(t.TempDir(), "missing.png")}, nil); code != 2 || !strings.Contains(errOut, "cannot open") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
	if code, _, _ := run(verifyCmd, nil, nil); code != 2 {
		t.Errorf("no argument: exit %d, want 2", code)
	}
	if code, _, errOut := run(verifyCmd, []string{"--recipient", "???", p}, nil); code != 2 || !strings.Contains(errOut, "not an email") {
		t.Errorf("bad recipient: exit %d, %q", code, errOut)
	}
}

// A hosted 2.0 badge on a loopback server is refused by the guarded client
// unless --allow-host names it.
func TestVerify_HostedBadgeNeedsAllowHost(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL
	docs := map[string]string{
		"/assertion.json": `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"` + base + `/assertion.json",
			"recipient":{"type":"email","hashed":false,"identity":"learner@example.net"},
			"issuedOn":"2020-01-01T00:00:00Z","badge":"` + base + `/class.json","verification":{"type":"hosted"}}`,
		"/class.json": `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"` + base + `/class.json",
			"name":"Loopback Badge","description":"d","image":"` + base + `/b.png","criteria":{"narrative":"n"},"issuer":"` + base + `/issuer.json"}`,
		"/issuer.json": `{"@context":"https://w3id.org/openbadges/v2","type":"Issuer","id":"` + base + `/issuer.json",
			"name":"Loopback Issuer","url":"` + base + `","email":"issuer@example.net"}`,
	}
	for path, body := range docs {
		body := body
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/ld+json")
			_, _ = w.Write([]byte(body))
		})
	}
	url := base + "/assertion.json"
	code, out, _ := run(verifyCmd, []string{url}, nil)
	if code != 1 || !strings.Contains(out, "private or local network") {
		t.Fatalf("without --allow-host: exit %d\n%s", code, out)
	}
	host := strings.TrimPrefix(base, "http://")
	code, out, _ = run(verifyCmd, []string{"--allow-host", host, "--recipient", "learner@example.net", url}, nil)
	if code != 0 {
		t.Fatalf("with --allow-host: exit %d\n%s", code, out)
	}
	for _, want := range []string{"Badge: Loopback Badge", "PASS  hosted", "PASS  issuer-policy", "PASS  recipient"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBakeThenUnbake_RoundTrip(t *testing.T) {
	t.Parallel()
	cred := signedCredential(t, "did:example:1")
	imgPath := writeFile(t, "plain.png", testPNG(t))
	credPath := writeFile(t, "badge.json", cred)

	code, baked, errOut := run(bakeCmd, []string{imgPath, credPath}, nil)
	if code != 0 {
		t.Fatalf("bake: exit %d: %s", code, errOut)
	}
	if _, err := png.Decode(bytes.NewReader([]byte(baked))); err != nil {
		t.Fatalf("baked image is not a PNG any more: %v", err)
	}
	bakedPath := writeFile(t, "baked.png", []byte(baked))
	code, out, errOut := run(unbakeCmd, []string{bakedPath}, nil)
	if code != 0 {
		t.Fatalf("unbake: exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(out) != string(cred) {
		t.Errorf("unbaked data differs:\n%s\nwant\n%s", out, cred)
	}
	// The baked image verifies like the credential itself.
	code, vout, _ := run(verifyCmd, []string{bakedPath}, nil)
	if code != 0 || !strings.Contains(vout, "baked PNG") {
		t.Errorf("verify baked: exit %d\n%s", code, vout)
	}
}

func TestUnbake_ImageWithoutBadgeExits2(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "plain.png", testPNG(t))
	code, out, errOut := run(unbakeCmd, []string{p}, nil)
	if code != 2 || out != "" || !strings.Contains(errOut, "no badge data") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	if code, _, _ := run(unbakeCmd, nil, nil); code != 2 {
		t.Errorf("no argument: exit %d", code)
	}
}

func TestBake_RefusesNonBadge(t *testing.T) {
	t.Parallel()
	imgPath := writeFile(t, "plain.png", testPNG(t))
	notes := writeFile(t, "notes.txt", []byte("hello"))
	code, out, errOut := run(bakeCmd, []string{imgPath, notes}, nil)
	if code != 2 || out != "" || !strings.Contains(errOut, "not an Open Badge") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestVerify_JSONForNotABadge(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "notes.txt", []byte("not a badge"))
	code, out, _ := run(verifyCmd, []string{"--json", p}, nil)
	if code != 2 {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Verdict string          `json:"verdict"`
		Badge   json.RawMessage `json:"badge"`
		Checks  []struct{ ID, Status string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Verdict != "invalid" || string(rep.Badge) != "null" || len(rep.Checks) != 1 || rep.Checks[0].ID != "format" {
		t.Errorf("%+v", rep)
	}
}
