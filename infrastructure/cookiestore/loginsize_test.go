package cookiestore_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/cookiestore"
)

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// keycloakToken returns a token shaped as Keycloak's of about size bytes:
// its claims, with realm roles added until it is that long, signed with
// sigBytes of signature.
func keycloakToken(typ string, size, sigBytes int) (string, []byte) {
	claims := map[string]any{
		"exp": time.Now().Add(5 * time.Minute).Unix(), "iat": time.Now().Unix(), "auth_time": time.Now().Unix(),
		"jti": uuid(), "iss": "https://sso.example.com/realms/shop", "aud": []string{"shop-frontend", "account"},
		"sub": uuid(), "typ": typ, "azp": "shop-frontend", "nonce": uuid(), "session_state": uuid(), "sid": uuid(),
		"acr": "1", "allowed-origins": []string{"https://shop.example.com"}, "scope": "openid email profile offline_access",
		"resource_access": map[string]any{"account": map[string]any{"roles": []string{"manage-account", "manage-account-links", "view-profile"}}},
		"email_verified":  true, "name": "Alice Liddell", "preferred_username": "alice", "given_name": "Alice",
		"family_name": "Liddell", "email": "alice@example.com",
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"` + uuid() + `"}`))
	sig := make([]byte, sigBytes)
	_, _ = rand.Read(sig)
	var roles []string
	for {
		claims["realm_access"] = map[string]any{"roles": roles}
		payload, _ := json.Marshal(claims)
		tok := header + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(sig)
		if len(tok) >= size {
			return tok, payload
		}
		roles = append(roles, fmt.Sprintf("shop-role-%d-%s", len(roles), uuid()[:8]))
	}
}

// TestKeycloakLoginFits stores a login as the auth layer does with the
// cookie backend (tokens not sealed again), with tokens of the sizes
// Keycloak issues, and measures its cookies.
func TestKeycloakLoginFits(t *testing.T) {
	access, _ := keycloakToken("Bearer", 2500, 256)
	idToken, payload := keycloakToken("ID", 2000, 256)
	refresh, _ := keycloakToken("Refresh", 1500, 64)
	id := domain.Identity{Broker: "keycloak", Subject: uuid(), AccessToken: access, TokenType: "Bearer", RefreshToken: refresh,
		Expiry: time.Now().Add(5 * time.Minute),
		IDToken: domain.IDToken{Subject: uuid(), Issuer: "https://sso.example.com/realms/shop", Audience: []string{"shop-frontend"},
			Expiry: time.Now().Add(5 * time.Minute), IssuedAt: time.Now(), Nonce: uuid(), Raw: idToken, Payload: payload},
		User: domain.User{Sub: uuid(), Name: "Alice Liddell", Email: "alice@example.com", FirstName: "Alice", LastName: "Liddell",
			Groups: []string{"customers", "newsletter"}, Type: domain.UserTypeUser},
	}
	values := map[string]any{domain.IdentityKey: application.UnsealedTokens().Seal(id), "cart": "sku-1,sku-2"}
	raw := len(access) + len(idToken) + len(refresh)
	on := headerBytes(save(t, newRepo(t, cookiestore.Options{}), values))
	off := headerBytes(save(t, newRepo(t, cookiestore.Options{NoCompression: true, MaxBytes: 65536}), values))
	t.Logf("Keycloak-size login: tokens %d bytes (access %d, ID %d, refresh %d); cookies %d bytes packed and compressed, %d without",
		raw, len(access), len(idToken), len(refresh), on, off)
	if on > cookiestore.DefaultMaxBytes {
		t.Fatalf("the login takes %d bytes, over the default cap of %d", on, cookiestore.DefaultMaxBytes)
	}
	if on > raw*3/4 {
		t.Errorf("the login takes %d bytes, more than three quarters of its tokens' %d: the tokens are not packed", on, raw)
	}
	if !strings.HasPrefix(idToken, "eyJ") {
		t.Fatal("not a JWT")
	}
}
