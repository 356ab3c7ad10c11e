package oidcbroker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// pushTimeout bounds one pushed authorization request.
const pushTimeout = 10 * time.Second

// maxPushResponse bounds the provider's answer to a pushed request.
const maxPushResponse = 64 << 10

// ErrNoPushEndpoint is returned at the start of a login when usePAR is set
// but the provider's discovery announces no pushed authorization request
// endpoint.
var ErrNoPushEndpoint = errors.New("usePAR is set but the provider's discovery announces no pushed_authorization_request_endpoint; " +
	"enable pushed authorization requests at the provider, or remove usePAR from the broker's configuration")

// push sends the parameters of authURL to the provider's pushed
// authorization request endpoint (RFC 9126), authenticated as at the token
// endpoint, and returns the authorization endpoint's URL with client_id and
// the request_uri the provider gave, nothing else.
func (b *Broker) push(ctx context.Context, d *discovery, authURL string) (string, error) {
	if d.par == "" {
		return "", fmt.Errorf("oidc broker %q: %w", b.cfg.Broker, ErrNoPushEndpoint)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	requestURI, err := b.pushRequest(ctx, d, u.Query())
	if err != nil {
		return "", fmt.Errorf("oidc broker %q: pushed authorization request: %w", b.cfg.Broker, err)
	}
	// The authorization endpoint's own query, if it has one, stays.
	out, err := url.Parse(d.oauth.Endpoint.AuthURL)
	if err != nil {
		return "", err
	}
	q := out.Query()
	q.Set("client_id", b.cfg.ClientID)
	q.Set("request_uri", requestURI)
	out.RawQuery = q.Encode()
	return out.String(), nil
}

// pushRequest posts form with the client's authentication and returns the
// request_uri of the provider's answer.
func (b *Broker) pushRequest(ctx context.Context, d *discovery, form url.Values) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	resp, err := b.postAuthenticated(ctx, d, d.par, form)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	var answer struct {
		RequestURI  string `json:"request_uri"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
		URI         string `json:"error_uri"`
	}
	decodeErr := json.NewDecoder(io.LimitReader(resp.Body, maxPushResponse)).Decode(&answer)
	switch {
	case answer.Error != "":
		return "", &domain.ProviderError{Code: answer.Error, Description: answer.Description, URI: answer.URI}
	case resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("%w: status %d", domain.ErrProviderUnavailable, resp.StatusCode)
	case decodeErr != nil || answer.RequestURI == "":
		return "", fmt.Errorf("%w: the answer has no request_uri", domain.ErrProviderUnavailable)
	}
	return answer.RequestURI, nil
}

// postAuthenticated posts form to endpoint with the client authenticated
// as at the token endpoint (a new assertion for each call). A request that
// gets no answer is ErrProviderUnavailable; the caller closes the body.
func (b *Broker) postAuthenticated(ctx context.Context, d *discovery, endpoint string, form url.Values) (*http.Response, error) {
	header := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if err := d.auth.apply(form, header); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header = header
	client := b.cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", domain.ErrProviderUnavailable, err)
	}
	return resp, nil
}
