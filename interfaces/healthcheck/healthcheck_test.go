package healthcheck_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

func TestHandler(t *testing.T) {
	up := healthcheck.StatusFunc(func() (bool, string) { return true, "ok" })
	down := healthcheck.StatusFunc(func() (bool, string) { return false, "redis: connection refused" })
	tests := []struct {
		name     string
		statuses map[string]healthcheck.Status
		code     int
		names    []string
	}{
		{"none", nil, http.StatusOK, []string{}},
		{"all up", map[string]healthcheck.Status{"session": up, "auth": up}, http.StatusOK, []string{"auth", "session"}},
		{"one down", map[string]healthcheck.Status{"session": down, "auth": up}, http.StatusInternalServerError, []string{"auth", "session"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			healthcheck.NewHandler(tc.statuses).ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
			if rec.Code != tc.code {
				t.Fatalf("status = %d, want %d", rec.Code, tc.code)
			}
			var got struct {
				Services []struct {
					Name    string
					Alive   bool
					Details string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body.String(), err)
			}
			if len(got.Services) != len(tc.names) {
				t.Fatalf("services = %+v, want %v", got.Services, tc.names)
			}
			for i, s := range got.Services {
				alive, details := tc.statuses[s.Name].Status()
				if s.Name != tc.names[i] || s.Alive != alive || s.Details != details {
					t.Fatalf("service %d = %+v, want name %s alive %v details %q", i, s, tc.names[i], alive, details)
				}
			}
		})
	}
}
