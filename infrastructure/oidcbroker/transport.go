package oidcbroker

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// maxTokenRequest bounds the body of a token request the transport reads
// to add the assertion; ours are a few hundred bytes.
const maxTokenRequest = 64 << 10

// assertionTransport adds a new client assertion to every POST to the
// token endpoint that golang.org/x/oauth2 sends (code exchange and
// refresh): oauth2 keeps the grant and the reading of the response, and
// each request, a retry too, carries an assertion with a jti of its own,
// which an option given once to Exchange could not do for a refresh.
type assertionTransport struct {
	base     http.RoundTripper
	tokenURL string
	auth     *clientAuth
}

func (t *assertionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil || !sameEndpoint(req.URL, t.tokenURL) {
		return t.base.RoundTrip(req)
	}
	raw, err := io.ReadAll(io.LimitReader(req.Body, maxTokenRequest))
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, err
	}
	out := req.Clone(req.Context()) // a RoundTripper must not change req
	if err := t.auth.apply(form, out.Header); err != nil {
		return nil, err
	}
	body := form.Encode()
	out.Body, out.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	return t.base.RoundTrip(out)
}

// sameEndpoint tells whether u is the endpoint raw, its query aside.
func sameEndpoint(u *url.URL, raw string) bool {
	e, err := url.Parse(raw)
	return err == nil && u.Scheme == e.Scheme && u.Host == e.Host && u.Path == e.Path
}

// tokenContext is the context of a call through oauth2 to the token
// endpoint: with an assertion method, its HTTP client (the configured one
// or the default) adds the client assertion.
func (b *Broker) tokenContext(ctx context.Context, d *discovery) context.Context {
	if !b.cfg.assertion() {
		return b.clientContext(ctx)
	}
	client := http.DefaultClient
	if b.cfg.HTTPClient != nil {
		client = b.cfg.HTTPClient
	}
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c := *client
	c.Transport = &assertionTransport{base: base, tokenURL: d.oauth.Endpoint.TokenURL, auth: d.auth}
	return oidc.ClientContext(ctx, &c)
}
