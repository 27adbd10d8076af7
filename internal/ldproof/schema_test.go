package ldproof

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateSchema_ConformanceFixtures(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "ob30")
	const (
		pass = iota
		onlyShape
		fail
	)
	cases := []struct {
		file, schema string
		want         int
		path         string // for fail: a path that must be among the real problems
	}{
		{"simple.json", SchemaAchievementCredential, pass, ""},
		{"simple-did-key-method.json", SchemaAchievementCredential, pass, ""},
		{"simple-context-alias.json", SchemaAchievementCredential, pass, ""},
		{"complete.json", SchemaAchievementCredential, pass, ""},
		{"endorsement-valid.json", SchemaEndorsementCredential, pass, ""},
		{"simple-did-web-method.json", SchemaAchievementCredential, onlyShape, ""},
		{"bit-string-list/credential-status-revoked-blank-nodes.json", SchemaAchievementCredential, onlyShape, ""},
		{"simple-err-issuer.json", SchemaAchievementCredential, fail, ""},
		{"simple-err-credential-subject-type.json", SchemaAchievementCredential, fail, "/credentialSubject/type/0"},
		{"simple-err-credential-subject-identifier-type.json", SchemaAchievementCredential, fail, "/credentialSubject/identifier/0/type"},
		{"simple-err-credential-subject-result-type.json", SchemaAchievementCredential, fail, "/credentialSubject/result/1/type/0"},
		{"simple-err-credential-subject-achievement-result-description-type.json", SchemaAchievementCredential, fail, "/credentialSubject/achievement/resultDescription/2/type/0"},
		{"simple-err-credential-subject-profile-type.json", SchemaAchievementCredential, fail, "/credentialSubject/source/type/0"},
		{"simple-err-evidence-type.json", SchemaAchievementCredential, fail, "/evidence/1/type/0"},
		{"simple-err-issuer-type.json", SchemaAchievementCredential, fail, "/issuer/type/0"},
		{"simple-err-issuer-parentorg-type.json", SchemaAchievementCredential, fail, "/issuer/parentOrg/type/0"},
		{"simple-err-issuer-otheridentifier-type.json", SchemaAchievementCredential, fail, "/issuer/otherIdentifier/1/type"},
		{"simple-err-type.json", SchemaAchievementCredential, fail, "/type/0"},
		{"simple-err-context.json", SchemaAchievementCredential, fail, "/@context/0"},
		{"simple.json", SchemaEndorsementCredential, fail, ""},
	}
	for _, tc := range cases {
		t.Run(tc.file+"/"+tc.schema, func(t *testing.T) {
			err := ValidateSchema(mustReadFile(t, filepath.Join(dir, tc.file)), tc.schema)
			var se *SchemaError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("not a SchemaError: %v", err)
			}
			switch tc.want {
			case pass:
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
			case onlyShape:
				if se == nil || !se.OnlyShape {
					t.Fatalf("want only shape problems, got %v", err)
				}
			case fail:
				if se == nil || se.OnlyShape {
					t.Fatalf("want real problems, got %v", err)
				}
				if tc.path != "" {
					found := false
					for _, p := range se.Problems {
						found = found || (p.Path == tc.path && !p.Shape)
					}
					if !found {
						t.Fatalf("no problem at %s in:\n%s", tc.path, se.Detail())
					}
				}
				if se.Summary() == "" || !strings.Contains(se.Error(), se.Detail()) {
					t.Fatal("error text lacks summary or detail")
				}
			}
		})
	}
}

func TestValidateSchema_MissingIssuerNamedInSummary(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(conformanceDir(t), "ob30")
	err := ValidateSchema(mustReadFile(t, filepath.Join(dir, "simple-err-issuer.json")), SchemaAchievementCredential)
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(se.Summary(), "issuer") || !strings.HasPrefix(se.Summary(), "The badge does not follow") {
		t.Errorf("summary = %q", se.Summary())
	}
	if se.Problems[0].Path != "" || se.Problems[0].Shape {
		t.Errorf("first problem = %+v, want the missing top-level property", se.Problems[0])
	}
}

func TestValidateSchema_DatesAreChecked(t *testing.T) {
	t.Parallel()
	doc := deepCopy(mustReadJSON(t, filepath.Join(conformanceDir(t), "ob30", "simple.json")))
	doc["validFrom"] = "last tuesday"
	b := mustMarshal(t, doc)
	err := ValidateSchema(b, SchemaAchievementCredential)
	var se *SchemaError
	if !errors.As(err, &se) || se.Problems[0].Path != "/validFrom" {
		t.Fatalf("err = %v, want a problem at /validFrom", err)
	}
}

func TestValidateSchema_BadInput(t *testing.T) {
	t.Parallel()
	if err := ValidateSchema([]byte(`{}`), "nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("unknown schema: %v", err)
	}
	for _, in := range []string{"", "{", "not json", `{"a":1} trailing`} {
		err := ValidateSchema([]byte(in), SchemaAchievementCredential)
		var se *SchemaError
		if err == nil || errors.As(err, &se) {
			t.Errorf("%q: err = %v, want a JSON error", in, err)
		}
	}
	for _, in := range []string{"[]", "null", "42", `"x"`} {
		err := ValidateSchema([]byte(in), SchemaAchievementCredential)
		var se *SchemaError
		if !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want a SchemaError", in, err)
		}
	}
}

func BenchmarkValidateSchema(b *testing.B) {
	data := mustReadFile(b, filepath.Join(conformanceDir(b), "ob30", "simple.json"))
	if err := ValidateSchema(data, SchemaAchievementCredential); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateSchema(data, SchemaAchievementCredential); err != nil {
			b.Fatal(err)
		}
	}
}

func TestValidateSchema_CapsProblemList(t *testing.T) {
	t.Parallel()
	doc := deepCopy(mustReadJSON(t, filepath.Join(conformanceDir(t), "ob30", "simple.json")))
	var ev []any
	for i := 0; i < 3000; i++ {
		ev = append(ev, map[string]any{"type": []any{"NotEvidence"}})
	}
	doc["evidence"] = ev
	err := ValidateSchema(mustMarshal(t, doc), SchemaAchievementCredential)
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	if n := len(se.Problems); n == 0 || n > maxSchemaProblems*2+1 {
		t.Fatalf("%d problems reported", n)
	}
}
