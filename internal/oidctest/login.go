package oidctest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
)

var loginPage = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><body>
<form method="POST" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<input name="username"> <input name="password" type="password">
<p>{{.Error}}</p>
<button type="submit">Log in</button>
</form>
</body></html>`))

// loginForm is the provider's login UI: a username/password form that,
// once the password matches, hands the auth request back to the provider.
func (p *Provider) loginForm(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		_ = loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("id")
	if err := p.storage.CheckUsernamePassword(r.PostForm.Get("username"), r.PostForm.Get("password"), id); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": err.Error()})
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(r.Context(), id), http.StatusFound)
}

// Browser returns an HTTP client with a cookie jar that follows redirects
// within the provider and stops at the first redirect leaving it (to our
// callback or post-logout URL), returning that redirect response.
func (p *Provider) Browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	host := p.Server.Listener.Addr().String()
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != host || len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}

var hiddenID = regexp.MustCompile(`name="id" value="([^"]*)"`)

// Login opens authURL in browser, fills the login form with username and
// password and returns the URL the provider redirects back to (our
// callback with code and state, or with an error parameter). When the
// provider redirects back without showing the form, that URL is returned.
func (p *Provider) Login(ctx context.Context, browser *http.Client, authURL, username, password string) (*url.URL, error) {
	page, back, err := p.get(ctx, browser, authURL)
	if err != nil || back != nil {
		return back, err
	}
	m := hiddenID.FindStringSubmatch(page.body)
	if m == nil {
		return nil, fmt.Errorf("oidctest: no login form at %s", page.url)
	}
	form := url.Values{"id": {m[1]}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, page.url.ResolveReference(&url.URL{Path: "/login/username"}).String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return p.redirectBack(browser.Do(req))
}

// Visit opens u in browser and returns the URL the provider redirects
// back to, for end_session and other redirects without a form.
func (p *Provider) Visit(ctx context.Context, browser *http.Client, u string) (*url.URL, error) {
	_, back, err := p.get(ctx, browser, u)
	if err == nil && back == nil {
		err = errors.New("oidctest: the provider did not redirect back")
	}
	return back, err
}

type page struct {
	url  *url.URL
	body string
}

func (p *Provider) get(ctx context.Context, browser *http.Client, u string) (*page, *url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := browser.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if loc, err := resp.Location(); err == nil {
		return nil, loc, nil
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("oidctest: GET %s: %s %s %v", u, resp.Status, body, err)
	}
	return &page{url: resp.Request.URL, body: string(body)}, nil, nil
}

func (p *Provider) redirectBack(resp *http.Response, err error) (*url.URL, error) {
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		body, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("oidctest: login did not redirect back: %s %s", resp.Status, body)
	}
	return loc, nil
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)
)

// LoginFormPost is Login for a login with response_mode=form_post: it
// returns the URL the provider's page POSTs the authorization response to
// and the fields it posts, as a browser would send them.
func (p *Provider) LoginFormPost(ctx context.Context, browser *http.Client, authURL, username, password string) (string, url.Values, error) {
	pg, _, err := p.get(ctx, browser, authURL)
	if err != nil {
		return "", nil, err
	}
	m := hiddenID.FindStringSubmatch(pg.body)
	if m == nil {
		return "", nil, fmt.Errorf("oidctest: no login form at %s", pg.url)
	}
	form := url.Values{"id": {m[1]}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, pg.url.ResolveReference(&url.URL{Path: "/login/username"}).String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	action := formAction.FindStringSubmatch(string(body))
	if resp.StatusCode != http.StatusOK || action == nil {
		return "", nil, fmt.Errorf("oidctest: no form_post page after the login: %s %s", resp.Status, body)
	}
	fields := url.Values{}
	for _, f := range hiddenInput.FindAllStringSubmatch(string(body), -1) {
		fields.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
	}
	return html.UnescapeString(action[1]), fields, nil
}
