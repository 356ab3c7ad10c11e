package opcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/config"
	"github.com/sessionauth/sessionauth/infrastructure/oidcbroker"
)

// discoveryTimeout bounds each request to a provider.
const discoveryTimeout = 10 * time.Second

// maxDocument bounds what is read of a discovery document or JWKS.
const maxDocument = 1 << 20

// discovery holds the fields of a discovery document the library uses.
type discovery struct {
	Issuer                string   `json:"issuer"`
	Authorization         string   `json:"authorization_endpoint"`
	Token                 string   `json:"token_endpoint"`
	JWKS                  string   `json:"jwks_uri"`
	EndSession            string   `json:"end_session_endpoint"`
	Algorithms            []string `json:"id_token_signing_alg_values_supported"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
	BackChannelLogout     bool     `json:"backchannel_logout_supported"`
	BackChannelLogoutSess bool     `json:"backchannel_logout_session_supported"`
	FrontChannelLogout    bool     `json:"frontchannel_logout_supported"`
	PAR                   string   `json:"pushed_authorization_request_endpoint"`
	Revocation            string   `json:"revocation_endpoint"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
}

// ConnectBroker fetches the discovery document and the JWKS of the OpenID
// provider of broker b (typ oidc) and checks what the configuration needs
// of them: the issuer the endpoint names, the endpoints of a login, an
// end_session_endpoint when enableEndSessionEndpoint is set, a signing
// algorithm the library accepts and a key to verify with. Its warnings are
// what works but deserves a look: the callback URL's shape, PKCE and
// back-channel logout support.
func ConnectBroker(ctx context.Context, client *http.Client, b config.Broker) (Result, []string) {
	target := "broker " + b.Name
	endpoint := b.String("endpoint")
	d, err := fetchDiscovery(ctx, client, endpoint)
	if err != nil {
		return Result{Target: target, Detail: fmt.Sprintf("config key %s.endpoint = %s: %v", b.Key, config.Show(b.Key+".endpoint", endpoint), err)}, nil
	}
	if problem := discoveryProblem(b, endpoint, d); problem != "" {
		return Result{Target: target, Detail: problem}, nil
	}
	keys, err := fetchKeys(ctx, client, d.JWKS)
	if err != nil {
		return Result{Target: target, Detail: fmt.Sprintf("the provider's JWKS %s: %v; the library cannot verify ID tokens without it", config.RedactURL(d.JWKS), err)}, nil
	}
	algs := accepted(d.Algorithms)
	detail := fmt.Sprintf("discovery of %s and its JWKS (%s) fetched; ID token algorithms %s", config.RedactURL(endpoint), plural(keys, "signing key"), strings.Join(algs, ", "))
	return Result{Target: target, OK: true, Detail: detail}, append(callbackWarnings(b), providerWarnings(b, d)...)
}

// discoveryProblem is what the configuration needs of d and d lacks, or "".
func discoveryProblem(b config.Broker, endpoint string, d discovery) string {
	switch {
	case d.Issuer != endpoint:
		return fmt.Sprintf("config key %s.endpoint = %s: the provider names its issuer %s; write exactly that (ID tokens carry it, and the library compares it character by character)",
			b.Key, config.Show(b.Key+".endpoint", endpoint), config.Show(b.Key+".endpoint", d.Issuer))
	case d.Authorization == "" || d.Token == "" || d.JWKS == "":
		return "the provider's discovery document lacks authorization_endpoint, token_endpoint or jwks_uri; the library needs all three for a login"
	case len(accepted(d.Algorithms)) == 0:
		return fmt.Sprintf("the provider signs ID tokens with %s only; the library accepts the asymmetric algorithms %s: configure the client at the provider to sign with RS256 or ES256",
			strings.Join(d.Algorithms, ", "), strings.Join(oidcbroker.Algorithms(), ", "))
	case b.Bool("enableEndSessionEndpoint") && d.EndSession == "":
		return fmt.Sprintf("config key %s.enableEndSessionEndpoint = true: the provider announces no end_session_endpoint; set it to false, or enable RP-initiated logout at the provider", b.Key)
	case b.Bool("usePAR") && d.PAR == "":
		return fmt.Sprintf("config key %s.usePAR = true: the provider announces no pushed_authorization_request_endpoint; set it to false, or enable pushed authorization requests at the provider", b.Key)
	case b.Bool("revokeTokensAtLogout") && d.Revocation == "":
		return fmt.Sprintf("config key %s.revokeTokensAtLogout = true: the provider announces no revocation_endpoint; set it to false, or enable token revocation at the provider", b.Key)
	}
	// A provider that names no methods accepts client_secret_basic
	// (OpenID Connect Discovery 1.0).
	if m := b.String("tokenEndpointAuthMethod"); m != "" && (len(d.AuthMethods) > 0 && !slices.Contains(d.AuthMethods, m) || len(d.AuthMethods) == 0 && m != "client_secret_basic") {
		return fmt.Sprintf("config key %s.tokenEndpointAuthMethod = %q: the provider accepts %s; write one of them", b.Key, m, strings.Join(orBasic(d.AuthMethods), ", "))
	}
	return ""
}

func orBasic(methods []string) []string {
	if len(methods) == 0 {
		return []string{"client_secret_basic"}
	}
	return methods
}

// accepted are the algorithms of algs that the library accepts; a
// provider that names none signs with RS256 (OpenID Connect Discovery).
func accepted(algs []string) []string {
	if len(algs) == 0 {
		algs = []string{"RS256"}
	}
	return slices.DeleteFunc(slices.Clone(algs), func(a string) bool { return !slices.Contains(oidcbroker.Algorithms(), a) })
}

func fetchDiscovery(ctx context.Context, client *http.Client, endpoint string) (discovery, error) {
	var d discovery
	u := strings.TrimSuffix(endpoint, "/") + "/.well-known/openid-configuration"
	if err := getJSON(ctx, client, u, &d); err != nil {
		return d, fmt.Errorf("the discovery document %s: %v; write the issuer URL of the OpenID provider, whose discovery document is at {issuer}/.well-known/openid-configuration", config.RedactURL(u), err)
	}
	return d, nil
}

// fetchKeys fetches the JWKS at u and counts the keys that can verify a
// signature.
func fetchKeys(ctx context.Context, client *http.Client, u string) (int, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Use string `json:"use"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, client, u, &set); err != nil {
		return 0, err
	}
	n := 0
	for _, k := range set.Keys {
		if k.Use != "enc" && (k.Kty == "RSA" || k.Kty == "EC" || k.Kty == "OKP") {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("holds no signing key (RSA, EC or OKP)")
	}
	return n, nil
}

func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot be fetched: %v", unwrapURL(err))
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answers %s", resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocument)).Decode(v); err != nil {
		return fmt.Errorf("is not JSON: %v", err)
	}
	return nil
}

// unwrapURL is the cause of a *url.Error, whose text repeats the URL.
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// callbackWarnings are about the callback URL's shape: the library serves
// /auth/callback/{broker}, and a login over plain http is for development.
func callbackWarnings(b config.Broker) []string {
	if b.RedirectURL == "" {
		return []string{fmt.Sprintf("%s: no callback URL is configured (core.auth.web.baseURL or redirectURL): it is made from each request's Host header; set core.auth.web.baseURL to the URL registered at the provider", b.Key)}
	}
	u, err := url.Parse(b.RedirectURL)
	if err != nil {
		return nil // the configuration check reports it
	}
	var out []string
	if want := "/auth/callback/" + b.Name; !strings.HasSuffix(u.Path, want) {
		out = append(out, fmt.Sprintf("%s: the callback URL %s does not end in %s, the route the library serves; unless the application routes it there, logins end in 404",
			b.Key, config.Show(b.Key+".redirectURL", b.RedirectURL), want))
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		out = append(out, fmt.Sprintf("%s: the callback URL %s is plain http: codes and cookies cross the network unencrypted; use https", b.Key, config.Show(b.Key+".redirectURL", b.RedirectURL)))
	}
	return out
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// providerWarnings are what the provider lacks that the library does
// without: PKCE with S256 and back-channel logout.
func providerWarnings(b config.Broker, d discovery) []string {
	var out []string
	if len(d.CodeChallengeMethods) > 0 && !slices.Contains(d.CodeChallengeMethods, "S256") {
		out = append(out, fmt.Sprintf("broker %s: the provider does not announce PKCE with S256 (code_challenge_methods_supported); the library sends it, a provider that ignores it still works", b.Name))
	}
	if b.Bool("frontChannelLogout") && !d.FrontChannelLogout {
		out = append(out, fmt.Sprintf("broker %s: frontChannelLogout is set, but the provider does not announce front-channel logout (frontchannel_logout_supported); it may never call it", b.Name))
	}
	if !d.BackChannelLogout {
		out = append(out, fmt.Sprintf("broker %s: the provider does not announce back-channel logout (backchannel_logout_supported); a logout at the provider does not end the sessions here", b.Name))
	}
	return out
}
