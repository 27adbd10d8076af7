package views

import (
	"context"

	"github.com/a-h/templ"
)

// Context carries only values every page needs and no page should be asked
// to pass along by hand: the Content-Security-Policy nonce and the CSRF
// token. Everything else a view shows comes in through its typed parameters.

type csrfKey struct{}

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
