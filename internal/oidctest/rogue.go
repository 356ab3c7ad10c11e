package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// RogueSubject is the subject of the tokens a Rogue provider issues unless
// a test changes the claims.
const RogueSubject = "rogue-user"

// Rogue is an OpenID provider whose tokens the test writes: discovery,
// JWKS, an authorization endpoint that answers at once with a code, a
// token endpoint (authorization code and refresh grants), a userinfo
// endpoint and, when enabled, a pushed authorization request endpoint, a
// revocation endpoint and a check of client assertions. It stands for the misbehaving providers a real one cannot be
// made to be: tokens without sub or iat, issued in the future, about
// another user, and logout tokens of every kind.
type Rogue struct {
	Server   *httptest.Server
	Issuer   string
	ClientID string

	key, stranger *rsa.PrivateKey

	mu       sync.Mutex
	edit     func(claims map[string]any)
	infoSub  string
	nonces   map[string]string // code → nonce of its login
	sequence int

	assertion   *assertionCheck       // nil: client authentication is not checked
	par         bool                  // announce the pushed authorization request endpoint
	parRequired bool                  // and require it
	pushed      []url.Values          // bodies of pushed requests
	pushedAuth  []string              // and their Authorization headers
	requests    map[string]url.Values // request_uri → pushed parameters
	tokenForms  []url.Values          // bodies of token requests
	fcOptional  bool
	revocation  bool            // announce the revocation endpoint
	revocations []url.Values    // bodies of revocation requests it accepted
	revoked     map[string]bool // tokens revoked
}

// FrontChannelSessionOptional makes the discovery document say that the
// provider does not always send iss and sid to front-channel logout URLs
// (no frontchannel_logout_session_supported); by default it says it does.
// Call it before the relying party first asks for the document.
func (r *Rogue) FrontChannelSessionOptional() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fcOptional = true
}

var b64 = base64.RawURLEncoding

// StartRogue runs a rogue provider for clientID until the test ends.
func StartRogue(t testing.TB, clientID string) *Rogue {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	r := &Rogue{ClientID: clientID, key: key, stranger: stranger, nonces: map[string]string{}, requests: map[string]url.Values{},
		revoked: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", r.discovery)
	mux.HandleFunc("GET /jwks", r.jwks)
	mux.HandleFunc("GET /authorize", r.authorize)
	mux.HandleFunc("POST /token", r.token)
	mux.HandleFunc("POST /par", r.pushAuthorization)
	mux.HandleFunc("POST /revoke", r.revoke)
	mux.HandleFunc("GET /userinfo", r.userinfo)
	mux.HandleFunc("GET /logout-frame", r.logoutFrame)
	r.Server = httptest.NewServer(mux)
	r.Issuer = r.Server.URL
	t.Cleanup(r.Server.Close)
	return r
}

// EditIDTokens makes the token endpoint pass the claims of every ID token
// it issues through edit before signing them; nil issues them unchanged.
func (r *Rogue) EditIDTokens(edit func(claims map[string]any)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edit = edit
}

// UserInfoSubject makes the userinfo endpoint answer with sub; empty means
// the subject of the ID tokens.
func (r *Rogue) UserInfoSubject(sub string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.infoSub = sub
}

// Claims returns the claims of a well-formed ID token for the client,
// issued now, valid for an hour, with nonce when it is not empty.
func (r *Rogue) Claims(nonce string) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": r.Issuer, "sub": RogueSubject, "aud": r.ClientID,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if nonce != "" {
		c["nonce"] = nonce
	}
	return c
}

// Sign returns claims as a JWT signed with the provider's published key.
func (r *Rogue) Sign(t testing.TB, claims map[string]any) string {
	return r.sign(t, r.key, "JWT", claims)
}

// SignLogout returns claims as a JWT of type logout+jwt signed with the
// provider's published key.
func (r *Rogue) SignLogout(t testing.TB, claims map[string]any) string {
	return r.sign(t, r.key, "logout+jwt", claims)
}

// SignStranger returns claims signed with a key the provider does not
// publish, under the kid of the published one.
func (r *Rogue) SignStranger(t testing.TB, claims map[string]any) string {
	return r.sign(t, r.stranger, "JWT", claims)
}

func (r *Rogue) sign(t testing.TB, key *rsa.PrivateKey, typ string, claims map[string]any) string {
	t.Helper()
	token, err := signJWT(key, typ, claims)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func signJWT(key *rsa.PrivateKey, typ string, claims map[string]any) (string, error) {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "rogue", "typ": typ})
	p, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

func (r *Rogue) discovery(w http.ResponseWriter, _ *http.Request) {
	meta := map[string]any{
		"issuer": r.Issuer, "authorization_endpoint": r.Issuer + "/authorize", "token_endpoint": r.Issuer + "/token",
		"jwks_uri": r.Issuer + "/jwks", "userinfo_endpoint": r.Issuer + "/userinfo",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"backchannel_logout_supported":          true, "backchannel_logout_session_supported": true,
		"frontchannel_logout_supported": true,
	}
	r.mu.Lock()
	meta["frontchannel_logout_session_supported"] = !r.fcOptional
	if r.revocation {
		meta["revocation_endpoint"] = r.Issuer + "/revoke"
	}
	if r.par {
		meta["pushed_authorization_request_endpoint"] = r.Issuer + "/par"
		meta["require_pushed_authorization_requests"] = r.parRequired
	}
	r.mu.Unlock()
	writeJSON(w, http.StatusOK, meta)
}

var logoutFramePage = template.Must(template.New("frame").Parse(`<!doctype html>
<html><head><title>signing out</title></head><body><p>Signing you out of every application…</p>
<iframe id="rp" src="{{.}}" onload="document.title='frame loaded'"></iframe></body></html>`))

// logoutFrame is the provider's logout page of Front-Channel Logout 1.0:
// it loads the relying party's front-channel logout URL (?rp=) in an
// iframe and titles itself "frame loaded" once the frame has loaded.
func (r *Rogue) logoutFrame(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = logoutFramePage.Execute(w, req.URL.Query().Get("rp"))
}

func (r *Rogue) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "rogue", "use": "sig", "alg": "RS256",
		"n": b64.EncodeToString(r.key.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(r.key.E)).Bytes()),
	}}})
}

// authorize logs the visitor in without asking and sends them back with
// a code that remembers the login's nonce.
func (r *Rogue) authorize(w http.ResponseWriter, req *http.Request) {
	q, err := r.authorizeParams(req.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !back.IsAbs() {
		http.Error(w, "redirect_uri must be absolute", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.sequence++
	code := "code-" + big.NewInt(int64(r.sequence)).String()
	r.nonces[code] = q.Get("nonce")
	r.mu.Unlock()
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, req, back.String(), http.StatusFound)
}

func (r *Rogue) token(w http.ResponseWriter, req *http.Request) {
	_ = req.ParseForm()
	r.mu.Lock()
	r.tokenForms = append(r.tokenForms, req.PostForm)
	r.mu.Unlock()
	if err := r.checkClient(req.PostForm); err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": err.Error()})
		return
	}
	r.mu.Lock()
	nonce, known := r.nonces[req.PostForm.Get("code")]
	delete(r.nonces, req.PostForm.Get("code"))
	edit := r.edit
	r.mu.Unlock()
	r.mu.Lock()
	revoked := r.revoked[req.PostForm.Get("refresh_token")]
	r.mu.Unlock()
	if req.PostForm.Get("grant_type") == "authorization_code" && !known ||
		req.PostForm.Get("grant_type") == "refresh_token" && revoked {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	claims := r.Claims(nonce)
	if edit != nil {
		edit(claims)
	}
	idToken, err := signJWT(r.key, "JWT", claims)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": "rogue-access", "token_type": "Bearer", "expires_in": 3600,
		"refresh_token": "rogue-refresh", "id_token": idToken,
	})
}

func (r *Rogue) userinfo(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	sub := r.infoSub
	r.mu.Unlock()
	if sub == "" {
		sub = RogueSubject
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": sub, "email": sub + "@rogue.test"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
