package bench_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// tenValues is the session every variant serves: ten small values of the
// kinds sessions hold.
func tenValues() map[string]any {
	return map[string]any{
		"user": "alice", "visits": 12, "cart": "sku-1,sku-2", "theme": "dark", "lang": "de",
		"admin": false, "score": 3.5, "ref": "newsletter", "step": 2, "csrf": "0123456789abcdef",
	}
}

var keys = []string{"user", "visits", "cart", "theme", "lang", "admin", "score", "ref", "step", "csrf"}

// maxAge is Flamingo's default flamingo.session.max.age; every variant
// keeps sessions this long.
const maxAge = 30 * 24 * 3600

// maxSize is Flamingo's default flamingo.session.store.length.
const maxSize = 1 << 20

// access is how the application reaches one variant's session.
type access interface {
	get(r *http.Request, key string) any
	put(r *http.Request, key string, v any)
}

// app serves the three pages of the workload on a: /init stores the ten
// values, /read reads them all, /write reads them all and changes one.
// save, when not nil, is called before the response is written (gorilla
// stores are saved by the handler).
func app(a access, save func(w http.ResponseWriter, r *http.Request)) http.Handler {
	return appWith(a, save, nil)
}

// appWith is app whose /init stores extra besides the ten values.
func appWith(a access, save func(w http.ResponseWriter, r *http.Request), extra map[string]any) http.Handler {
	mux := http.NewServeMux()
	respond := func(w http.ResponseWriter, r *http.Request, body string) {
		if save != nil {
			save(w, r)
		}
		_, _ = fmt.Fprint(w, body)
	}
	mux.HandleFunc("/init", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range tenValues() {
			a.put(r, k, v)
		}
		for k, v := range extra {
			a.put(r, k, v)
		}
		respond(w, r, "ok")
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		respond(w, r, readAll(a, r))
	})
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		body := readAll(a, r)
		n, _ := a.get(r, "visits").(int)
		a.put(r, "visits", n+1)
		respond(w, r, body)
	})
	return mux
}

// readAll reads every value and answers how many it found.
func readAll(a access, r *http.Request) string {
	found := 0
	for _, k := range keys {
		if a.get(r, k) != nil {
			found++
		}
	}
	return strconv.Itoa(found)
}

// firstVisit runs /init and returns the cookie that names the session.
func firstVisit(b *testing.B, h http.Handler, name string) *http.Cookie {
	b.Helper()
	w := newSink()
	r, _ := http.NewRequest(http.MethodGet, "/init", nil)
	h.ServeHTTP(w, r)
	for _, line := range w.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == name && c.Value != "" {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	b.Fatalf("the first visit set no %q cookie: %v", name, w.header)
	return nil
}

// sink is a ResponseWriter that keeps only the header, so that the
// benchmarks measure the sessions rather than a recorder.
type sink struct {
	header http.Header
	status int
	body   []byte
}

func newSink() *sink { return &sink{header: make(http.Header)} }

func (w *sink) Header() http.Header { return w.header }
func (w *sink) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body[:0], p...)
	return len(p), nil
}
func (w *sink) WriteHeader(code int) { w.status = code }
