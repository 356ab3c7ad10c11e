package web_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/interfaces/web"
)

// Writers with chosen optional interfaces, for checking what the
// middleware's writer exposes.
type (
	plainWriter struct {
		header  http.Header
		flushed bool
	}
	flushWriter    struct{ *plainWriter }
	hijackWriter   struct{ *plainWriter }
	readFromWriter struct{ *plainWriter }
	allWriter      struct{ *plainWriter }
	unwrapWriter   struct {
		*plainWriter
		inner http.ResponseWriter
	}
)

func (w *plainWriter) Header() http.Header         { return w.header }
func (w *plainWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *plainWriter) WriteHeader(int)             {}
func (w flushWriter) Flush()                       { w.flushed = true }
func (w hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("test writer")
}
func (w readFromWriter) ReadFrom(r io.Reader) (int64, error) { return io.Copy(io.Discard, r) }
func (w allWriter) Flush()                                   { w.flushed = true }
func (w allWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("test writer")
}
func (w allWriter) ReadFrom(r io.Reader) (int64, error) { return io.Copy(io.Discard, r) }
func (w unwrapWriter) Unwrap() http.ResponseWriter      { return w.inner }

type capabilities struct{ flusher, hijacker, readerFrom bool }

func capabilitiesOf(w http.ResponseWriter) capabilities {
	_, f := w.(http.Flusher)
	_, h := w.(http.Hijacker)
	_, r := w.(io.ReaderFrom)
	return capabilities{f, h, r}
}

// TestSessionMiddlewareExposesExactlyTheWritersInterfaces also flushes
// through http.ResponseController: it must reach the writer that flushes
// (p) when there is one, and report ErrNotSupported when there is none.
func TestSessionMiddlewareExposesExactlyTheWritersInterfaces(t *testing.T) {
	p := func() *plainWriter { return &plainWriter{header: http.Header{}} }
	flushing, fh, fr, hr, all, inner := p(), p(), p(), p(), p(), p()
	tests := []struct {
		name string
		w    http.ResponseWriter
		p    *plainWriter
		want capabilities
	}{
		{name: "plain", w: p()},
		{name: "flusher", w: flushWriter{flushing}, p: flushing, want: capabilities{flusher: true}},
		{name: "hijacker", w: hijackWriter{p()}, want: capabilities{hijacker: true}},
		{name: "reader from", w: readFromWriter{p()}, want: capabilities{readerFrom: true}},
		{name: "flusher, hijacker", w: struct {
			*plainWriter
			flushWriter
			hijackWriter
		}{fh, flushWriter{fh}, hijackWriter{fh}}, p: fh, want: capabilities{flusher: true, hijacker: true}},
		{name: "flusher, reader from", w: struct {
			*plainWriter
			flushWriter
			readFromWriter
		}{fr, flushWriter{fr}, readFromWriter{fr}}, p: fr, want: capabilities{flusher: true, readerFrom: true}},
		{name: "hijacker, reader from", w: struct {
			*plainWriter
			hijackWriter
			readFromWriter
		}{hr, hijackWriter{hr}, readFromWriter{hr}}, want: capabilities{hijacker: true, readerFrom: true}},
		{name: "all", w: allWriter{all}, p: all, want: capabilities{true, true, true}},
		{name: "unwraps to a flusher", w: unwrapWriter{p(), flushWriter{inner}}, p: inner, want: capabilities{flusher: true}},
		{name: "unwraps to a plain writer", w: unwrapWriter{p(), p()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			var got capabilities
			var flushErr error
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = capabilitiesOf(w)
				flushErr = http.NewResponseController(w).Flush()
			})
			e.mw.Handler(handler).ServeHTTP(tt.w, httptest.NewRequest(http.MethodGet, "/", nil))
			if got != tt.want {
				t.Fatalf("handler's writer offers %+v; want %+v, as the underlying writer", got, tt.want)
			}
			if wantErr := !tt.want.flusher; errors.Is(flushErr, http.ErrNotSupported) != wantErr || !wantErr && flushErr != nil {
				t.Fatalf("ResponseController.Flush = %v; want ErrNotSupported: %v", flushErr, wantErr)
			}
			if tt.p != nil && !tt.p.flushed {
				t.Fatal("ResponseController.Flush did not reach the underlying flusher")
			}
		})
	}
}

// serveReal runs h behind the middleware on a real server and returns a
// GET's response.
func serveReal(t *testing.T, e *env, h http.HandlerFunc) *http.Response {
	t.Helper()
	srv := httptest.NewServer(e.mw.Handler(h))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestSessionMiddlewareStreamsWithFlush(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	e.expectSave(nil)
	e.expectSign()
	release := make(chan struct{})
	resp := serveReal(t, e, func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("user", "alice")
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})
	// The header and the first line arrive while the handler still waits.
	if sessionCookie(t, resp) == nil {
		t.Fatal("no session cookie in the streamed response's header")
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	close(release)
	if err != nil || line != "first\n" {
		t.Fatalf("first streamed line = %q, %v", line, err)
	}
}

func TestSessionMiddlewareHijack(t *testing.T) {
	hijackers := map[string]func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error){
		"Hijacker": func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) { return w.(http.Hijacker).Hijack() },
		"ResponseController": func(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
			return http.NewResponseController(w).Hijack()
		},
	}
	for name, hijack := range hijackers {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, web.SessionOptions{})
			e.expectSave(nil)
			e.expectSign()
			resp := serveReal(t, e, func(w http.ResponseWriter, r *http.Request) {
				web.SessionFromContext(r.Context()).Store("user", "alice")
				conn, _, err := hijack(w)
				if err != nil {
					t.Errorf("Hijack: %v", err)
					return
				}
				defer conn.Close()
				if n := e.saves.Load(); n != 1 {
					t.Errorf("%d saves when Hijack returned; want the save first", n)
				}
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
			})
			if body, _ := io.ReadAll(resp.Body); string(body) != "hijacked" {
				t.Fatalf("body %q; want what the hijacker wrote", body)
			}
		})
	}
}

func TestSessionMiddlewareRefusesToHijackAfterAFailedSave(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	e.expectSave(errors.New("backend down"))
	resp := serveReal(t, e, func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("user", "alice")
		if conn, _, err := w.(http.Hijacker).Hijack(); !errors.Is(err, web.ErrSessionSaveFailed) {
			t.Errorf("Hijack = %v; want ErrSessionSaveFailed", err)
			if conn != nil {
				conn.Close()
			}
		}
	})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d; want 503", resp.StatusCode)
	}
}

func TestSessionMiddlewareKeepsResponseController(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	resp := serveReal(t, e, func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		for name, err := range map[string]error{
			"SetReadDeadline":  rc.SetReadDeadline(time.Now().Add(time.Minute)),
			"SetWriteDeadline": rc.SetWriteDeadline(time.Now().Add(time.Minute)),
			"EnableFullDuplex": rc.EnableFullDuplex(),
		} {
			if err != nil {
				t.Errorf("ResponseController.%s through the middleware: %v", name, err)
			}
		}
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestSessionMiddlewareReadFrom(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	e.expectSave(nil)
	e.expectSign()
	body := strings.Repeat("0123456789", 10000)
	resp := serveReal(t, e, func(w http.ResponseWriter, r *http.Request) {
		web.SessionFromContext(r.Context()).Store("user", "alice")
		rf, ok := w.(io.ReaderFrom)
		if !ok {
			t.Error("the server's writer is an io.ReaderFrom; the middleware's is not")
			return
		}
		if _, err := rf.ReadFrom(strings.NewReader(body)); err != nil {
			t.Errorf("ReadFrom: %v", err)
		}
	})
	got, _ := io.ReadAll(resp.Body)
	if string(got) != body || sessionCookie(t, resp) == nil {
		t.Fatalf("got %d bytes, cookie %v; want the %d bytes and the cookie", len(got), sessionCookie(t, resp), len(body))
	}
}

// TestSessionMiddlewareInformationalHeadersDoNotSave sends a 103 before the
// session is changed: the change must still be saved with the final header.
func TestSessionMiddlewareInformationalHeadersDoNotSave(t *testing.T) {
	e := newEnv(t, web.SessionOptions{})
	e.expectSave(nil)
	e.expectSign()
	var hints []textproto.MIMEHeader
	srv := httptest.NewServer(e.mw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		web.SessionFromContext(r.Context()).Store("user", "alice")
		w.WriteHeader(http.StatusOK)
	})))
	defer srv.Close()
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, h)
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(hints) != 1 || sessionCookie(t, resp) == nil {
		t.Fatalf("%d early hints, final cookie %v; want one hint and the cookie with the final header", len(hints), sessionCookie(t, resp))
	}
}
