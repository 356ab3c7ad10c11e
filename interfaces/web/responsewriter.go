package web

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
)

// writerState is where a request stands with its session.
type writerState uint8

const (
	stateOpen    writerState = iota // nothing written, nothing saved yet
	stateSaved                      // saved, or there was nothing to save
	stateDropped                    // not saved (transient or vanished session), logged; the response goes on
	stateFailed                     // the save failed; an error answer replaced the response
)

// sessionWriter is the ResponseWriter the handler sees behind
// SessionMiddleware. Whatever first writes the header (WriteHeader, Write,
// Flush, ReadFrom, Hijack, or the handler's return) saves the session
// first.
type sessionWriter struct {
	w         http.ResponseWriter
	r         *http.Request
	m         *SessionMiddleware
	session   *Session
	transient bool
	destroyed bool // the session was destroyed when saved
	state     writerState
	ctx       sessionContext // the handler's request context
}

// commit saves the session once and reports whether the handler's response
// may go on.
func (sw *sessionWriter) commit() bool {
	if sw.state == stateOpen {
		sw.state = sw.save()
	}
	return sw.state != stateFailed
}

func (sw *sessionWriter) save() writerState {
	if sw.transient {
		if sw.session.Modified() {
			sw.m.logWarning(sw.r, "session middleware: session changes discarded: the session backend was unavailable when the request began")
		}
		return stateDropped
	}
	sw.destroyed = sw.session.Destroyed()
	status, err := sw.m.save(sw.r.Context(), sw.w.Header(), sw.session, sw.r)
	switch {
	case err == nil:
		return stateSaved
	case status == 0:
		sw.m.logWarning(sw.r, "session middleware: session not saved", slog.Any("error", err))
		return stateDropped
	}
	sw.m.logFailure(sw.r, err)
	answerError(sw.w, status)
	return stateFailed
}

// finish runs after the handler returned: it saves a session nobody
// committed, and reports changes made too late to be saved.
func (sw *sessionWriter) finish() {
	if sw.state == stateOpen {
		sw.commit()
		return
	}
	if sw.state == stateSaved && sw.changedLate() {
		sw.m.logWarning(sw.r, "session middleware: session changed after the response header was written; the change is not saved")
	}
}

func (sw *sessionWriter) changedLate() bool {
	if sw.session.Destroyed() {
		return !sw.destroyed
	}
	return sw.session.Modified()
}

func (sw *sessionWriter) Header() http.Header { return sw.w.Header() }

// WriteHeader saves the session before the final header goes out.
// Informational (1xx) headers pass before the save.
func (sw *sessionWriter) WriteHeader(code int) {
	informational := code >= 100 && code < 200 && code != http.StatusSwitchingProtocols
	if informational && sw.state == stateOpen || sw.commit() {
		sw.w.WriteHeader(code)
	}
}

func (sw *sessionWriter) Write(p []byte) (int, error) {
	if !sw.commit() {
		return 0, ErrSessionSaveFailed
	}
	return sw.w.Write(p)
}

// Unwrap gives http.ResponseController the underlying writer, for the
// deadlines and full duplex. Flush and Hijack do not reach past the
// session: the wrappers exposed below intercept them.
func (sw *sessionWriter) Unwrap() http.ResponseWriter { return sw.w }

func (sw *sessionWriter) flush() error {
	if !sw.commit() {
		return ErrSessionSaveFailed
	}
	return http.NewResponseController(sw.w).Flush()
}

func (sw *sessionWriter) hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !sw.commit() {
		return nil, nil, ErrSessionSaveFailed
	}
	return http.NewResponseController(sw.w).Hijack()
}

func (sw *sessionWriter) readFrom(src io.Reader) (int64, error) {
	if !sw.commit() {
		return 0, ErrSessionSaveFailed
	}
	return sw.w.(io.ReaderFrom).ReadFrom(src)
}

// The writers the handler gets: sessionWriter with exactly those of
// http.Flusher, http.Hijacker and io.ReaderFrom that the underlying writer
// offers. Each is a struct of one pointer, so that handing it over as an
// http.ResponseWriter allocates nothing.
type (
	flushWriter               struct{ *sessionWriter }
	hijackWriter              struct{ *sessionWriter }
	readFromWriter            struct{ *sessionWriter }
	flushHijackWriter         struct{ *sessionWriter }
	flushReadFromWriter       struct{ *sessionWriter }
	hijackReadFromWriter      struct{ *sessionWriter }
	flushHijackReadFromWriter struct{ *sessionWriter }
)

func (w flushWriter) Flush()                          { _ = w.flush() }
func (w flushWriter) FlushError() error               { return w.flush() }
func (w flushHijackWriter) Flush()                    { _ = w.flush() }
func (w flushHijackWriter) FlushError() error         { return w.flush() }
func (w flushReadFromWriter) Flush()                  { _ = w.flush() }
func (w flushReadFromWriter) FlushError() error       { return w.flush() }
func (w flushHijackReadFromWriter) Flush()            { _ = w.flush() }
func (w flushHijackReadFromWriter) FlushError() error { return w.flush() }

func (w hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error)              { return w.hijack() }
func (w flushHijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error)         { return w.hijack() }
func (w hijackReadFromWriter) Hijack() (net.Conn, *bufio.ReadWriter, error)      { return w.hijack() }
func (w flushHijackReadFromWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.hijack() }

func (w readFromWriter) ReadFrom(src io.Reader) (int64, error)            { return w.readFrom(src) }
func (w flushReadFromWriter) ReadFrom(src io.Reader) (int64, error)       { return w.readFrom(src) }
func (w hijackReadFromWriter) ReadFrom(src io.Reader) (int64, error)      { return w.readFrom(src) }
func (w flushHijackReadFromWriter) ReadFrom(src io.Reader) (int64, error) { return w.readFrom(src) }

// exposed returns sw with exactly those of http.Flusher, http.Hijacker and
// io.ReaderFrom that the underlying writer offers: Flush and Hijack also
// when reachable through Unwrap, as http.ResponseController finds them;
// ReadFrom only when the writer has it itself, as io.Copy looks for it.
func (sw *sessionWriter) exposed() http.ResponseWriter {
	f := reaches[http.Flusher](sw.w) || reaches[interface{ FlushError() error }](sw.w)
	h := reaches[http.Hijacker](sw.w)
	_, rf := sw.w.(io.ReaderFrom)
	switch {
	case f && h && rf:
		return flushHijackReadFromWriter{sw}
	case f && h:
		return flushHijackWriter{sw}
	case f && rf:
		return flushReadFromWriter{sw}
	case h && rf:
		return hijackReadFromWriter{sw}
	case f:
		return flushWriter{sw}
	case h:
		return hijackWriter{sw}
	case rf:
		return readFromWriter{sw}
	}
	return sw
}

// reaches reports whether w, or a writer it unwraps to, implements T.
func reaches[T any](w http.ResponseWriter) bool {
	for {
		if _, ok := w.(T); ok {
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
}
