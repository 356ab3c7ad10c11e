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
	status, err := sw.m.save(sw.r.Context(), sw.w.Header(), sw.session)
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

// The optional interfaces, one small type each, combined below into the
// writer the handler gets.
type (
	sessionFlusher    struct{ *sessionWriter }
	sessionHijacker   struct{ *sessionWriter }
	sessionReaderFrom struct{ *sessionWriter }
)

func (f sessionFlusher) Flush()            { _ = f.flush() }
func (f sessionFlusher) FlushError() error { return f.flush() }
func (h sessionHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.hijack()
}
func (r sessionReaderFrom) ReadFrom(src io.Reader) (int64, error) { return r.readFrom(src) }

// exposed returns sw with exactly those of http.Flusher, http.Hijacker and
// io.ReaderFrom that the underlying writer offers: Flush and Hijack also
// when reachable through Unwrap, as http.ResponseController finds them;
// ReadFrom only when the writer has it itself, as io.Copy looks for it.
func (sw *sessionWriter) exposed() http.ResponseWriter {
	f := reaches[http.Flusher](sw.w) || reaches[interface{ FlushError() error }](sw.w)
	h := reaches[http.Hijacker](sw.w)
	_, rf := sw.w.(io.ReaderFrom)
	fl, hj, rd := sessionFlusher{sw}, sessionHijacker{sw}, sessionReaderFrom{sw}
	switch {
	case f && h && rf:
		return struct {
			*sessionWriter
			sessionFlusher
			sessionHijacker
			sessionReaderFrom
		}{sw, fl, hj, rd}
	case f && h:
		return struct {
			*sessionWriter
			sessionFlusher
			sessionHijacker
		}{sw, fl, hj}
	case f && rf:
		return struct {
			*sessionWriter
			sessionFlusher
			sessionReaderFrom
		}{sw, fl, rd}
	case h && rf:
		return struct {
			*sessionWriter
			sessionHijacker
			sessionReaderFrom
		}{sw, hj, rd}
	case f:
		return struct {
			*sessionWriter
			sessionFlusher
		}{sw, fl}
	case h:
		return struct {
			*sessionWriter
			sessionHijacker
		}{sw, hj}
	case rf:
		return struct {
			*sessionWriter
			sessionReaderFrom
		}{sw, rd}
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
