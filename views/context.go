package views

import (
	"context"

	"github.com/a-h/templ"

	"github.com/satchel-backpack/satchel/internal/i18n"
)

// Context carries only values every page needs and no page should be asked
// to pass along by hand: the Content-Security-Policy nonce, the CSRF
// token, the language (internal/i18n's WithLanguage, read by i18n.T) and
// what the language menu offers. Everything else a view shows comes in
// through its typed parameters.

type (
	csrfKey         struct{}
	languageMenuKey struct{}
)

// WithNonce returns a context whose renders mark scripts with the CSP nonce.
// It is templ's own nonce, so scripts templ writes itself carry it too.
func WithNonce(ctx context.Context, nonce string) context.Context {
	return templ.WithNonce(ctx, nonce)
}

// Nonce returns the CSP nonce set by WithNonce, or "".
func Nonce(ctx context.Context) string {
	return templ.GetNonce(ctx)
}

// WithCSRF returns a context whose renders put token in every POST form.
func WithCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

// CSRF returns the token set by WithCSRF, or "".
func CSRF(ctx context.Context) string {
	token, _ := ctx.Value(csrfKey{}).(string)
	return token
}

// LanguageMenu is what the language menu on every page offers.
type LanguageMenu struct {
	Offered []i18n.Language // the languages people may choose; the menu shows only when there are two or more
	Next    string          // the page to come back to after choosing
}

// WithLanguageMenu returns a context whose pages offer m's languages.
func WithLanguageMenu(ctx context.Context, m LanguageMenu) context.Context {
	return context.WithValue(ctx, languageMenuKey{}, m)
}

// languageMenuOf returns the menu set by WithLanguageMenu, or none.
func languageMenuOf(ctx context.Context) LanguageMenu {
	m, _ := ctx.Value(languageMenuKey{}).(LanguageMenu)
	return m
}
