package oidcbroker_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

var b64 = base64.RawURLEncoding

// keys signs test tokens. rsa and ec are published by the test server;
// stranger is not.
type keys struct {
	rsa, stranger *rsa.PrivateKey
	ec            *ecdsa.PrivateKey
}

func newKeys(t *testing.T) keys {
	t.Helper()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keys{rsa: r, stranger: s, ec: e}
}

// sign returns a compact JWS of claims. alg "RS256-stranger" signs with an
// unpublished key; "HS256" uses secret.
func (k keys) sign(t *testing.T, alg string, claims map[string]any, secret string) string {
	t.Helper()
	header := map[string]string{"alg": alg, "typ": "JWT"}
	switch alg {
	case "RS256":
		header["kid"] = "rsa"
	case "ES256":
		header["kid"] = "ec"
	case "RS256-stranger":
		header["alg"], header["kid"] = "RS256", "rsa"
	}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(claims)
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch alg {
	case "none":
	case "HS256":
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(input))
		sig = m.Sum(nil)
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.rsa, crypto.SHA256, digest[:])
	case "RS256-stranger":
		sig, err = rsa.SignPKCS1v15(rand.Reader, k.stranger, crypto.SHA256, digest[:])
	case "ES256":
		var r, s *big.Int
		r, s, err = ecdsa.Sign(rand.Reader, k.ec, digest[:])
		if err == nil {
			sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

func (k keys) jwks() map[string]any {
	raw, _ := k.ec.PublicKey.Bytes() // uncompressed point: 0x04 || X || Y
	return map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "rsa", "use": "sig", "alg": "RS256",
			"n": b64.EncodeToString(k.rsa.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(k.rsa.E)).Bytes())},
		{"kty": "EC", "kid": "ec", "use": "sig", "alg": "ES256", "crv": "P-256",
			"x": b64.EncodeToString(raw[1:33]), "y": b64.EncodeToString(raw[33:65])},
	}}
}

// tokenServer is a discovery, JWKS and token endpoint whose token
// response carries whatever ID token the test sets: the misbehaving
// provider a real one cannot be made to be.
type tokenServer struct {
	*httptest.Server
	keys keys
	down atomic.Bool

	mu        sync.Mutex
	idToken   string
	tokenResp map[string]any
	userInfo  map[string]any // what the userinfo endpoint answers
}

func startTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{keys: newKeys(t)}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if ts.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"issuer": ts.URL, "authorization_endpoint": ts.URL + "/authorize", "token_endpoint": ts.URL + "/token",
			"jwks_uri": ts.URL + "/jwks", "end_session_endpoint": ts.URL + "/logout", "userinfo_endpoint": ts.URL + "/userinfo",
			"id_token_signing_alg_values_supported":          []string{"RS256", "ES256", "HS256", "none"},
			"authorization_response_iss_parameter_supported": true,
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, ts.keys.jwks()) })
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		if ts.tokenResp != nil {
			writeJSON(w, http.StatusBadRequest, ts.tokenResp)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": "at", "token_type": "Bearer", "expires_in": 60, "refresh_token": "rt", "id_token": ts.idToken,
		})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		writeJSON(w, http.StatusOK, ts.userInfo)
	})
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) respond(idToken string, errorResp map[string]any) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.idToken, ts.tokenResp = idToken, errorResp
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
