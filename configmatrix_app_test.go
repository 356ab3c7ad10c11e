package sessionauth_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// matrixApp is the application a user of a configuration block writes: a
// mux behind sessionauth.New's handler with pages that print what a person
// wants to see.
type matrixApp struct {
	sa  *sessionauth.Web
	srv *httptest.Server
	URL string
}

// newMatrixApp reserves the application's address, so that a test can put
// it into the configuration (baseURL) and register it at a provider before
// start.
func newMatrixApp(t *testing.T, tls bool) *matrixApp {
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	return &matrixApp{srv: srv, URL: scheme + srv.Listener.Addr().String()}
}

// start builds sessionauth from cfg and serves the pages.
func (a *matrixApp) start(t *testing.T, cfg map[string]any, modules ...dingo.Module) {
	t.Helper()
	sa, err := sessionauth.New(cfg, modules...)
	if err != nil {
		t.Fatalf("sessionauth.New: %v", err)
	}
	a.sa = sa
	a.srv.Config.Handler = sa.Handler(htmlPages(a.mux()))
	if strings.HasPrefix(a.URL, "https://") {
		a.srv.StartTLS()
		return
	}
	a.srv.Start()
}

// htmlPages marks every page of mux as HTML.
func htmlPages(mux *http.ServeMux) *http.ServeMux {
	outer := http.NewServeMux()
	outer.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		mux.ServeHTTP(w, r)
	}))
	return outer
}

func (a *matrixApp) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<p id="home">home</p>`)
	})
	mux.HandleFunc("GET /whoami", a.whoami)
	mux.HandleFunc("GET /token", a.token)
	mux.HandleFunc("GET /api", a.api)
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		s := web.SessionFromContext(r.Context())
		n, _ := s.Try("n").(int)
		s.Store("n", n+1)
		fmt.Fprintf(w, `<p id="n">%d</p>`, n+1)
	})
	return mux
}

// whoami prints the user UserService gives, with a logout button.
func (a *matrixApp) whoami(w http.ResponseWriter, r *http.Request) {
	u := a.sa.Users.GetUser(r.Context(), web.SessionFromContext(r.Context()))
	fmt.Fprintf(w, `<p id="name">%s</p><p id="email">%s</p><p id="first">%s</p><p id="last">%s</p><p id="type">%s</p>
<p id="groups">%s</p><form method="post" action="/auth/logout"><button id="logout">Log out</button></form>`,
		html.EscapeString(u.Name), html.EscapeString(u.Email), html.EscapeString(u.FirstName),
		html.EscapeString(u.LastName), html.EscapeString(string(u.Type)), html.EscapeString(strings.Join(u.Groups, ",")))
}

// token prints the issuer of AuthManager.IDToken's token.
func (a *matrixApp) token(w http.ResponseWriter, r *http.Request) {
	tok, err := a.sa.Manager.IDToken(r.Context(), web.SessionFromContext(r.Context()))
	if err != nil {
		fmt.Fprintf(w, `<p id="issuer">error: %s</p>`, html.EscapeString(err.Error()))
		return
	}
	fmt.Fprintf(w, `<p id="issuer">%s</p>`, html.EscapeString(tok.Issuer))
}

// api calls ?url= with AuthManager.HTTPClient and prints the answer.
func (a *matrixApp) api(w http.ResponseWriter, r *http.Request) {
	out := func(s string) { fmt.Fprintf(w, `<pre id="api">%s</pre>`, html.EscapeString(s)) }
	client, err := a.sa.Manager.HTTPClient(r.Context(), web.SessionFromContext(r.Context()))
	if err != nil {
		out("error: " + err.Error())
		return
	}
	resp, err := client.Get(r.URL.Query().Get("url"))
	if err != nil {
		out("error: " + err.Error())
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	out(resp.Status + " " + string(body))
}
