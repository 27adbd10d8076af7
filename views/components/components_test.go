package components_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/paths"
	"github.com/satchel-backpack/satchel/views/components"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestField_LabelTiedToInput(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Field(components.FieldProps{ID: "f-email", Name: "email", Label: "Email", Type: "email", Required: true}))
	in := doc.Find("input")
	if in.AttrOr("id", "") != "f-email" || in.AttrOr("name", "") != "email" || in.AttrOr("type", "") != "email" {
		t.Errorf("input attributes: id=%q name=%q type=%q", in.AttrOr("id", ""), in.AttrOr("name", ""), in.AttrOr("type", ""))
	}
	if strings.TrimSpace(doc.Find(`label[for="f-email"]`).Text()) != "Email" {
		t.Errorf("label: %q", doc.Find(`label[for="f-email"]`).Text())
	}
	if _, ok := in.Attr("required"); !ok {
		t.Error("required field lacks the required attribute")
	}
	if _, ok := in.Attr("aria-describedby"); ok {
		t.Error("aria-describedby points at nothing")
	}
}

func TestField_OptionalSaysSo(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Field(components.FieldProps{ID: "x", Name: "x", Label: "Nickname"}))
	if !strings.Contains(doc.Find("label").Text(), "(optional)") {
		t.Error("optional field not marked optional")
	}
	if in := doc.Find("input"); in.AttrOr("type", "") != "text" {
		t.Errorf("default type %q, want text", in.AttrOr("type", ""))
	}
}

func TestField_ErrorAndHintDescribeTheInput(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Field(components.FieldProps{
		ID: "f", Name: "n", Label: "Name", Value: `"quoted" <value>`,
		Hint: "As it should appear.", Error: "Enter your name.", Required: true,
	}))
	in := doc.Find("input")
	if in.AttrOr("value", "") != `"quoted" <value>` {
		t.Errorf("value not kept exactly: %q", in.AttrOr("value", ""))
	}
	if in.AttrOr("aria-invalid", "") != "true" {
		t.Error("input with an error is not aria-invalid")
	}
	ids := strings.Fields(in.AttrOr("aria-describedby", ""))
	if len(ids) != 2 {
		t.Fatalf("aria-describedby %q, want the error and hint ids", ids)
	}
	if !strings.Contains(doc.Find("#"+ids[0]).Text(), "Enter your name.") {
		t.Errorf("first description is %q, want the error", doc.Find("#"+ids[0]).Text())
	}
	if doc.Find("#"+ids[1]).Text() != "As it should appear." {
		t.Errorf("second description is %q, want the hint", doc.Find("#"+ids[1]).Text())
	}
}

func TestCSRFField(t *testing.T) {
	t.Parallel()
	doc := render(t, components.CSRFField(`tok"en`))
	in := doc.Find(`input[type="hidden"]`)
	if in.AttrOr("name", "") != components.CSRFFieldName || in.AttrOr("value", "") != `tok"en` {
		t.Errorf("CSRF field name=%q value=%q", in.AttrOr("name", ""), in.AttrOr("value", ""))
	}
}

func TestPostForm_CarriesTokenAndChildren(t *testing.T) {
	t.Parallel()
	c := components.PostForm("/things/create", "tok", templ.Attributes{"class": "form"})
	ctx := templ.WithChildren(context.Background(), components.Submit("Create", components.Primary, "create"))
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(&buf)
	form := doc.Find("form")
	if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != "/things/create" || form.AttrOr("class", "") != "form" {
		t.Errorf("form method=%q action=%q class=%q", form.AttrOr("method", ""), form.AttrOr("action", ""), form.AttrOr("class", ""))
	}
	if form.Find(`input[name="_csrf"]`).AttrOr("value", "") != "tok" {
		t.Error("no CSRF token")
	}
	if b := form.Find(`button[type="submit"]`); strings.TrimSpace(b.Text()) != "Create" {
		t.Errorf("children not rendered inside the form: %q", b.Text())
	}
}

func TestPostButton_IsARealButtonInAPostForm(t *testing.T) {
	t.Parallel()
	doc := render(t, components.PostButton(paths.SignOut, "tok", "Sign out", components.Secondary, "so"))
	form := doc.Find("form")
	if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != paths.SignOut {
		t.Errorf("form method=%q action=%q", form.AttrOr("method", ""), form.AttrOr("action", ""))
	}
	b := form.Find(`button[type="submit"]`)
	if b.Text() != "Sign out" || !b.HasClass("button--secondary") {
		t.Errorf("button %q class %q", b.Text(), b.AttrOr("class", ""))
	}
	if form.Find(`input[name="_csrf"]`).AttrOr("value", "") != "tok" {
		t.Error("no CSRF token")
	}
}

func TestLinkButton_RejectsScriptURLs(t *testing.T) {
	t.Parallel()
	doc := render(t, components.LinkButton("javascript:alert(1)", "Go", components.Primary, "go"))
	if href := doc.Find("a").AttrOr("href", ""); strings.HasPrefix(href, "javascript:") {
		t.Errorf("a javascript: URL reached the page: %q", href)
	}
}

func TestField_ExtraAttributesAndFileInputs(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Field(components.FieldProps{
		ID: "files", Name: "files", Label: "Badge files", Type: "file", Value: "ignored",
		Attrs: templ.Attributes{"accept": ".png,.svg", "multiple": true},
	}))
	in := doc.Find("input#files")
	if in.AttrOr("accept", "") != ".png,.svg" {
		t.Errorf("accept = %q", in.AttrOr("accept", ""))
	}
	if _, ok := in.Attr("multiple"); !ok {
		t.Error("multiple attribute missing")
	}
	if _, ok := in.Attr("value"); ok {
		t.Error("a file input must not carry a value")
	}
}

func TestTextArea_KeepsTextAndDescribesErrors(t *testing.T) {
	t.Parallel()
	doc := render(t, components.TextArea(components.FieldProps{
		ID: "json", Name: "json", Label: "Badge data", Value: `{"a": "<b>"}`, Error: "Not JSON.", Required: true,
	}))
	ta := doc.Find("textarea#json")
	if ta.Text() != `{"a": "<b>"}` {
		t.Errorf("text kept as %q", ta.Text())
	}
	if ta.AttrOr("rows", "") != "5" || ta.AttrOr("aria-invalid", "") != "true" {
		t.Errorf("rows=%q aria-invalid=%q", ta.AttrOr("rows", ""), ta.AttrOr("aria-invalid", ""))
	}
	if !strings.Contains(doc.Find("#"+ta.AttrOr("aria-describedby", "none")).Text(), "Not JSON.") {
		t.Error("error not tied to the textarea")
	}
	if doc.Find(`label[for="json"]`).Length() != 1 {
		t.Error("no label")
	}
}

func TestSelect_MarksTheCurrentOption(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Select(components.FieldProps{
		ID: "sort", Name: "sort", Label: "Sort by", Value: "name",
		Options: []components.Option{{"date", "Date"}, {"name", "Name"}, {"issuer", "Issuer"}},
	}))
	opts := doc.Find("select#sort option")
	if opts.Length() != 3 {
		t.Fatalf("%d options", opts.Length())
	}
	sel := doc.Find("option[selected]")
	if sel.Length() != 1 || sel.AttrOr("value", "") != "name" {
		t.Errorf("selected %d options, value %q; want only name", sel.Length(), sel.AttrOr("value", ""))
	}
	if doc.Find(`label[for="sort"]`).Length() != 1 {
		t.Error("no label")
	}
}

func TestCheckbox_LabelAndState(t *testing.T) {
	t.Parallel()
	doc := render(t, components.Checkbox(components.FieldProps{ID: "ok", Name: "ok", Label: "I agree", Value: "yes", Checked: true, Required: true}))
	box := doc.Find(`input[type="checkbox"]#ok`)
	if _, ok := box.Attr("checked"); !ok || box.AttrOr("value", "") != "yes" {
		t.Errorf("checked/value wrong: %v %q", ok, box.AttrOr("value", ""))
	}
	if doc.Find(`label[for="ok"]`).Text() != "I agree" {
		t.Error("label not tied to the checkbox")
	}
	doc = render(t, components.Checkbox(components.FieldProps{ID: "ok", Name: "ok", Label: "I agree"}))
	if _, ok := doc.Find("input").Attr("checked"); ok {
		t.Error("unticked box rendered checked")
	}
}

func TestErrorSummary(t *testing.T) {
	t.Parallel()
	if doc := render(t, components.ErrorSummary(nil)); doc.Find("[role]").Length() != 0 {
		t.Error("empty summary rendered")
	}
	doc := render(t, components.ErrorSummary([]components.FieldError{{ID: "a", Message: "Fix A."}, {ID: "b", Message: "Fix B."}}))
	s := doc.Find(`[role="alert"][data-error-summary]`)
	var hrefs []string
	s.Find("a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")+" "+a.Text()) })
	if strings.Join(hrefs, "|") != "#a Fix A.|#b Fix B." {
		t.Errorf("summary links %q", hrefs)
	}
	if s.AttrOr("tabindex", "") != "-1" {
		t.Error("summary cannot take focus")
	}
}
