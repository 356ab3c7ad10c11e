package sessionauth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth"
	"github.com/sessionauth/sessionauth/interfaces/web"
)

// documentedRoutes returns "METHOD /path" of every route in the first
// column of docs/auth.md's table of flows, {broker} as dev; a path
// without a method takes the one before it in the row.
func documentedRoutes(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("docs/auth.md")
	if err != nil {
		t.Fatal(err)
	}
	_, flows, _ := strings.Cut(string(doc), "## The flows")
	route := regexp.MustCompile("`(?:(GET|POST|GET/POST) )?(/auth/[^`?\\s]*)")
	var routes []string
	for _, row := range strings.Split(flows, "\n") {
		cells := strings.Split(row, "|")
		if !strings.HasPrefix(row, "|") || len(cells) < 3 {
			continue
		}
		method := ""
		for _, m := range route.FindAllStringSubmatch(cells[1], -1) {
			if m[1] != "" {
				method = m[1]
			}
			for _, each := range strings.Split(method, "/") {
				routes = append(routes, each+" "+strings.ReplaceAll(m[2], "{broker}", "dev"))
			}
		}
	}
	if len(routes) < 8 {
		t.Fatalf("found %d routes in docs/auth.md's table of flows: %q; the test cannot read it", len(routes), routes)
	}
	return routes
}

// TestDocumentedRoutesAreServed requests every route docs/auth.md lists
// through the handler of sessionauth.New and through the dingo way
// (sessionauth.Get of the controller and the middleware): none may be
// missing (the mux's own 404) or refuse its documented method (405). A
// route's handler may answer 404 itself: the front-channel logout does for
// a broker without frontChannelLogout, and the fake broker has none.
func TestDocumentedRoutesAreServed(t *testing.T) {
	cfg := func() map[string]any {
		return map[string]any{"flamingo.session.secret": "s", "flamingo.session.cookie.secure": false, "core.auth.web.broker": []any{fakeBroker}}
	}
	quiet := dingo.ModuleFunc(func(i *dingo.Injector) { i.Bind(new(slog.Logger)).ToInstance(slog.New(slog.DiscardHandler)) })
	ways := map[string]func(t *testing.T) http.Handler{
		"New": func(t *testing.T) http.Handler {
			sa, err := sessionauth.New(cfg(), quiet)
			if err != nil {
				t.Fatal(err)
			}
			return sa.Handler(http.NewServeMux())
		},
		"Get": func(t *testing.T) http.Handler {
			injector, err := dingo.NewInjector(sessionauth.ConfigModule(cfg()), new(sessionauth.AuthModule), quiet)
			if err != nil {
				t.Fatal(err)
			}
			ctrl, err := sessionauth.Get[*web.AuthController](injector)
			if err != nil {
				t.Fatal(err)
			}
			mw, err := sessionauth.Get[*web.SessionMiddleware](injector)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			ctrl.Register(mux)
			return mw.Handler(mux)
		},
	}
	routes := documentedRoutes(t)
	t.Logf("documented routes: %q", routes)
	for name, build := range ways {
		t.Run(name, func(t *testing.T) {
			h := build(t)
			for _, r := range routes {
				method, path, _ := strings.Cut(r, " ")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
				unrouted := rec.Code == http.StatusNotFound && strings.TrimSpace(rec.Body.String()) == "404 page not found"
				if unrouted || rec.Code == http.StatusMethodNotAllowed {
					t.Errorf("%s: %d %s; docs/auth.md lists it", r, rec.Code, strings.TrimSpace(rec.Body.String()))
				}
			}
		})
	}
}

// TestDuplicatesPointToTheOneWay: every second way of a task is marked
// deprecated with the way to use instead.
func TestDuplicatesPointToTheOneWay(t *testing.T) {
	tests := []struct{ dir, fn, want string }{
		{".", "FromInjector", "Deprecated: use New"},
		{".", "Web.RequireLogin", "Deprecated: use web.RequireLogin"},
		{"application", "AuthManager.Refresh", "Deprecated: use RefreshIdentity"},
	}
	for _, tc := range tests {
		if doc := funcDoc(t, tc.dir, tc.fn); !strings.Contains(doc, tc.want) {
			t.Errorf("%s/%s's doc comment %q lacks %q", tc.dir, tc.fn, doc, tc.want)
		}
	}
}

// funcDoc returns the doc comment of function or method name
// ("Type.Method") in the package in dir.
func funcDoc(t *testing.T, dir, name string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && funcName(fn) == name && fn.Doc != nil {
				return fn.Doc.Text()
			}
		}
	}
	t.Fatalf("no documented %s in %s", name, dir)
	return ""
}

func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	typ := fn.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}

// TestDocsAndExampleUseTheOneWay: the Go snippets of README.md and docs/
// and the example application take components with sessionauth.New,
// sessionauth.Get or Inject, never with dingo's GetInstance and a type
// assertion, RequestInjection, FromInjector or a deprecated duplicate.
func TestDocsAndExampleUseTheOneWay(t *testing.T) {
	others := regexp.MustCompile(`\.GetInstance\(|\.RequestInjection\(|FromInjector\(|\.Refresh\(ctx|sa\.RequireLogin\(`)
	docs, _ := filepath.Glob("docs/*.md")
	example, _ := filepath.Glob("example/*.go")
	for _, file := range append(append(docs, "README.md"), example...) {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.HasSuffix(file, ".md") {
			text = goBlocks(text)
		}
		for _, m := range others.FindAllString(text, -1) {
			t.Errorf("%s uses %s; use sessionauth.New, sessionauth.Get[T] or Inject", file, m)
		}
	}
}

// goBlocks returns the ```go blocks of a markdown text.
func goBlocks(md string) string {
	var out strings.Builder
	for _, part := range strings.Split(md, "```go\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out.WriteString(block)
	}
	return out.String()
}
