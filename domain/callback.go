package domain

import "context"

type callbackURLKey struct{}

// ContextWithCallbackURL returns ctx carrying the absolute URL of the
// login callback that this request's login uses: what an IdentityProvider
// without a configured redirect URL sends as redirect_uri, in the
// authorization request and again when it redeems the code.
func ContextWithCallbackURL(ctx context.Context, callbackURL string) context.Context {
	return context.WithValue(ctx, callbackURLKey{}, callbackURL)
}

// CallbackURLFromContext returns the callback URL ContextWithCallbackURL
// put in ctx, or "".
func CallbackURLFromContext(ctx context.Context) string {
	u, _ := ctx.Value(callbackURLKey{}).(string)
	return u
}
