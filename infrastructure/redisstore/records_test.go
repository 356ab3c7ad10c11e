package redisstore_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

func TestKeyPrefixAndLayout(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	ctx := context.Background()
	tests := []struct{ prefix string }{{""}, {"app:"}, {"shop:session:"}}
	for _, tc := range tests {
		repo := redisstore.New(client, redisstore.Options{KeyPrefix: tc.prefix, MaxAge: time.Hour})
		s := saveNew(t, repo, map[string]any{"user": "alice", "m": "a user key named like the meta field"})
		fields, err := client.HGetAll(ctx, tc.prefix+s.ID()).Result()
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, 0, len(fields))
		for f := range fields {
			keys = append(keys, f)
		}
		if len(fields) != 5 || fields["v:user"] == "" || fields["v:m"] == "" || fields["m"] == "" || fields["s"] == "" || fields["t"] == "" {
			t.Fatalf("prefix %q: hash fields %v; want v:user, v:m, the meta field m and the size fields s and t", tc.prefix, keys)
		}
		ttl, err := client.PTTL(ctx, tc.prefix+s.ID()).Result()
		if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
			t.Fatalf("prefix %q: PTTL = %v, %v; want about an hour", tc.prefix, ttl, err)
		}
		if got := mustLoad(t, repo, s.ID()).Values; !reflect.DeepEqual(got, s.Values) {
			t.Fatalf("prefix %q: loaded %v, want %v", tc.prefix, got, s.Values)
		}
	}
}

func TestLoadOfBrokenRecords(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour})
	ctx := context.Background()
	tests := []struct {
		name         string
		corrupt      corrupter
		wantNotFound bool
	}{
		{"key of another type", wrongType, true},
		{"no meta field", noMeta, true},
		{"undecodable value", garbageValue, false},
		{"list instead of hash", func(ctx context.Context, c redis.UniversalClient, key string) error {
			if err := c.Del(ctx, key).Err(); err != nil {
				return err
			}
			return c.RPush(ctx, key, "x").Err()
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := saveNew(t, repo, map[string]any{"a": 1, "b": 2})
			must(t, tc.corrupt(ctx, client, s.ID()))
			got, err := repo.Load(ctx, s.ID())
			if tc.wantNotFound {
				if !errors.Is(err, domain.ErrSessionNotFound) {
					t.Fatalf("Load = %v, %v; want ErrSessionNotFound", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got.UndecodableKeys(), []string{"a"}) || got.Values["b"] != 2 {
				t.Fatalf("Load = %v, %v; want the session with b and the undecodable a kept aside", got, err)
			}
			got.Values["b"] = 3
			must(t, repo.Save(ctx, got))
			if v, err := client.HGet(ctx, s.ID(), "v:a").Result(); err != nil || v != "\xff\x00garbage" {
				t.Fatalf("after a save the undecodable value is %q, %v; want it kept as it was", v, err)
			}
		})
	}
}

// TestSizeLimitAfterMerge: two requests load the same session and each
// adds a value that fits alone; the second save would make the record
// larger than the limit and is refused, leaving the record as the first
// save left it.
func TestSizeLimitAfterMerge(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: 1000})
	ctx := context.Background()
	id := saveNew(t, repo, map[string]any{"small": "s"}).ID()
	first, second := mustLoad(t, repo, id), mustLoad(t, repo, id)
	first.Values["one"] = strings.Repeat("1", 600)
	second.Values["two"] = strings.Repeat("2", 600)
	must(t, repo.Save(ctx, first))
	err := repo.Save(ctx, second)
	// small (5+2) + one (3+601) + two (3+601), counted as domain.Changes counts.
	if !errors.Is(err, domain.ErrSessionTooLarge) || !strings.Contains(err.Error(), "1215 bytes") || !strings.Contains(err.Error(), "limit is 1000") {
		t.Fatalf("second Save = %v; want ErrSessionTooLarge with the merged size 1215 and the limit", err)
	}
	got := mustLoad(t, repo, id)
	if _, ok := got.Values["two"]; ok || got.Values["one"] == nil {
		t.Fatalf("record holds %v; want the first save's value only", got.Keys())
	}
	// Replacing a value by a smaller one stays possible.
	got.Values["one"] = "1"
	must(t, repo.Save(ctx, got))
}

// TestRegenerateOfVanishedSessionLeavesNoRecord: the copy under the new
// ID is removed again when the old record was gone.
func TestRegenerateOfVanishedSessionLeavesNoRecord(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour})
	ctx := context.Background()
	s := saveNew(t, repo, tenValues())
	loaded := mustLoad(t, repo, s.ID())
	must(t, repo.Delete(ctx, s.ID()))
	loaded.Regenerate()
	if err := repo.Save(ctx, loaded); !errors.Is(err, domain.ErrSessionNotFound) {
		t.Fatalf("Save = %v, want ErrSessionNotFound", err)
	}
	if n, err := client.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("%d keys left (%v), want none", n, err)
	}
}

// TestConcurrentRegenerations: of requests that regenerate the same
// session at once, exactly one succeeds; the others get
// ErrSessionNotFound, and one record remains, under the winner's ID.
func TestConcurrentRegenerations(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour})
	ctx := context.Background()
	id := saveNew(t, repo, map[string]any{"user": "alice"}).ID()
	const requests = 8
	var wg sync.WaitGroup
	errs := make([]error, requests)
	sessions := make([]*domain.Session, requests)
	for i := range sessions {
		sessions[i] = mustLoad(t, repo, id)
		sessions[i].Regenerate()
	}
	for i := range sessions {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = repo.Save(ctx, sessions[i]) }()
	}
	wg.Wait()
	var winners []string
	for i, err := range errs {
		switch {
		case err == nil:
			winners = append(winners, sessions[i].ID())
		case !errors.Is(err, domain.ErrSessionNotFound):
			t.Fatalf("a losing regeneration failed with %v, want ErrSessionNotFound", err)
		}
	}
	keys, err := client.Keys(ctx, "*").Result()
	if len(winners) != 1 || err != nil || !reflect.DeepEqual(keys, winners) {
		t.Fatalf("winners %v, keys %v (%v); want one winner whose ID is the only key", winners, keys, err)
	}
}
