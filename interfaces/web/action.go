package web

import (
	"context"
	"net/http"
)

// Request is the request an Action receives; the name lets controllers
// written for Flamingo (Get(ctx, r *web.Request) web.Result) keep their
// signatures on plain net/http.
type Request = http.Request

// Result is what an Action returns: it writes the response.
type Result = http.Handler

// Action is a controller action in Flamingo's shape. It is an
// http.Handler: it runs with the request's context and serves its Result;
// a nil Result writes nothing (200 with an empty body).
type Action func(ctx context.Context, r *Request) Result

// ServeHTTP runs the action and serves its result.
func (a Action) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if res := a(r.Context(), r); res != nil {
		res.ServeHTTP(w, r)
	}
}
