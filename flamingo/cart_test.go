package sessionauthflamingo_test

import (
	"context"
	"encoding/gob"
	"strings"

	"flamingo.me/flamingo/v3/framework/web"
)

// cart is a value of a custom type in the session, registered with gob as
// every application must for its own types.
type cart struct{ Items []string }

func init() { gob.Register(cart{}) }

// cartRoutes serve /cart: ?add=x puts x in the session's cart; the answer
// lists the cart.
func cartRoutes(registry *web.RouterRegistry) {
	registry.MustRoute("/cart", "cart")
	registry.HandleGet("cart", func(ctx context.Context, r *web.Request) web.Result {
		c, _ := r.Session().Load("cart")
		items, _ := c.(cart)
		if add := r.Request().URL.Query().Get("add"); add != "" {
			items.Items = append(items.Items, add)
			r.Session().Store("cart", items)
		}
		return text(strings.Join(items.Items, " "))
	})
}
