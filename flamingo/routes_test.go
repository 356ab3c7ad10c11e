package sessionauthflamingo_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"flamingo.me/flamingo/v3/framework/web"
)

// routes are the test application's, on Flamingo's own *web.Session: a
// counter, the counter read, a key setter and the list of keys.
type routes struct{}

func (routes) Routes(registry *web.RouterRegistry) {
	registry.MustRoute("/", "counter")
	registry.HandleGet("counter", func(ctx context.Context, r *web.Request) web.Result {
		n, _ := r.Session().Load("n")
		i, _ := n.(int)
		r.Session().Store("n", i+1)
		return text(fmt.Sprint(i + 1))
	})
	registry.MustRoute("/read", "read")
	registry.HandleGet("read", func(ctx context.Context, r *web.Request) web.Result {
		return text(fmt.Sprint(r.Session().Try("n")))
	})
	registry.MustRoute("/set", "set")
	registry.HandleGet("set", func(ctx context.Context, r *web.Request) web.Result {
		k := r.Request().URL.Query().Get("k")
		r.Session().Store(k, k)
		time.Sleep(20 * time.Millisecond) // the handler's work: requests of one session overlap
		return text("")
	})
	registry.MustRoute("/keys", "keys")
	registry.HandleGet("keys", func(ctx context.Context, r *web.Request) web.Result {
		var keys []string
		for _, k := range r.Session().Keys() {
			keys = append(keys, fmt.Sprint(k))
		}
		sort.Strings(keys)
		return text(strings.Join(keys, " "))
	})
	cartRoutes(registry)
}

func text(s string) web.Result {
	return &web.Response{Status: http.StatusOK, Body: strings.NewReader(s)}
}
