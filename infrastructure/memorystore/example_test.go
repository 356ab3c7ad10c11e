package memorystore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// A repository saves what changed and loads it again; every repository
// (memorystore, filestore, redisstore) is used the same way.
func ExampleNew() {
	ctx := context.Background()
	repo := memorystore.New(memorystore.Options{MaxAge: time.Hour})

	s := domain.NewSession()
	s.Store("cart", []string{"sku-1"})
	if err := repo.Save(ctx, s); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := repo.Load(ctx, s.ID())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loaded.Try("cart"))

	_ = repo.Delete(ctx, s.ID())
	_, err = repo.Load(ctx, s.ID())
	fmt.Println("not found:", errors.Is(err, domain.ErrSessionNotFound))
	// Output:
	// [sku-1]
	// not found: true
}
