package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// token is n characters of random base64url text, as tokens are.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// loggedIn is the ten values and the tokens of a login.
func loggedIn() map[string]any {
	v := tenValues()
	v["access"], v["id"], v["refresh"] = token(1200), token(1100), token(700)
	return v
}

// bigKeyOf is where the repository keeps the big values of the record
// under key, with prefix.
func bigKeyOf(prefix, key string) string {
	if strings.Contains(prefix, "{") {
		return key + ":big"
	}
	return prefix + "{" + key + "}"
}

// TestBigValuesInTheirOwnHash: values longer than 64 bytes are kept
// compressed in a second hash, in the record's slot, so that the session's
// hash stays a listpack; a value that shrinks moves back, one that grows
// moves out, both keys live as long as the session, move with a
// regeneration and go with a deletion.
func TestBigValuesInTheirOwnHash(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	ctx := context.Background()
	for _, prefix := range []string{"", "app:", "{shop}:"} {
		for _, maxSize := range []int{0, 1 << 20} {
			t.Run(prefix+" limit "+strconv.Itoa(maxSize), func(t *testing.T) {
				repo := redisstore.New(client, redisstore.Options{KeyPrefix: prefix, MaxAge: time.Hour, MaxSize: maxSize})
				values := loggedIn()
				s := saveNew(t, repo, values)
				key := prefix + s.ID()
				big := bigKeyOf(prefix, key)
				wantLayout(t, client, key, big, []string{"access", "id", "refresh"})
				if got := mustLoad(t, repo, s.ID()).Values; !reflect.DeepEqual(got, values) {
					t.Fatalf("loaded %v, want %v", got, values)
				}

				// One value changed (the save script's short path), then
				// several with a deletion.
				loaded := mustLoad(t, repo, s.ID())
				loaded.Store("access", "short")
				must(t, repo.Save(ctx, loaded))
				wantLayout(t, client, key, big, []string{"id", "refresh"})
				loaded.Store("user", token(300))
				loaded.Store("refresh", "short too")
				loaded.Delete("id")
				must(t, repo.Save(ctx, loaded))
				wantLayout(t, client, key, big, []string{"user"})
				loaded.Store("user", "alice")
				must(t, repo.Save(ctx, loaded))
				wantLayout(t, client, key, big, nil)
				loaded.Store("id", token(1100))
				must(t, repo.Save(ctx, loaded))
				wantLayout(t, client, key, big, []string{"id"})
				if maxSize > 0 {
					wantSizeFieldOf(t, client, key, big)
				}

				loaded.Regenerate()
				must(t, repo.Save(ctx, loaded))
				newKey := prefix + loaded.ID()
				wantLayout(t, client, newKey, bigKeyOf(prefix, newKey), []string{"id"})
				if n, err := client.Exists(ctx, key, big).Result(); err != nil || n != 0 {
					t.Fatalf("%d keys of the old ID left (%v), want none", n, err)
				}
				if got := mustLoad(t, repo, loaded.ID()).Values; !reflect.DeepEqual(got, loaded.Values) {
					t.Fatalf("loaded after the regeneration %v, want %v", got, loaded.Values)
				}
				must(t, repo.Delete(ctx, loaded.ID()))
				if n, err := client.Exists(ctx, newKey, bigKeyOf(prefix, newKey)).Result(); err != nil || n != 0 {
					t.Fatalf("%d keys left after Delete (%v), want none", n, err)
				}
			})
		}
	}
}

// wantLayout checks that the record under key is a listpack holding every
// value but those of bigs, which its big-values hash holds compressed, and
// that both keys expire with the session.
func wantLayout(t *testing.T, client *redis.Client, key, big string, bigs []string) {
	t.Helper()
	ctx := context.Background()
	if enc, err := client.ObjectEncoding(ctx, key).Result(); err != nil || enc != "listpack" {
		t.Fatalf("the session's hash is a %q (%v), want a listpack", enc, err)
	}
	fields, err := client.HGetAll(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	stored, err := client.HGetAll(ctx, big).Result()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for f, v := range stored {
		k := strings.TrimPrefix(f, "v:")
		got = append(got, k)
		if v[0] != 0 || storedLen(v) <= len(v) {
			t.Errorf("big value %s stored as %d bytes for %d: not compressed", k, len(v), storedLen(v))
		}
		if _, ok := fields[f]; ok {
			t.Errorf("value %s is in both hashes", k)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, bigs) {
		t.Fatalf("big-values hash holds %v, want %v", got, bigs)
	}
	if len(bigs) == 0 {
		return
	}
	for _, k := range []string{key, big} {
		if ttl, err := client.PTTL(ctx, k).Result(); err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
			t.Fatalf("PTTL %s = %v, %v; want about an hour", k, ttl, err)
		}
	}
}

// wantSizeFieldOf checks the size field against both hashes.
func wantSizeFieldOf(t *testing.T, client *redis.Client, key, big string) {
	t.Helper()
	size := 0
	for _, k := range []string{key, big} {
		fields, err := client.HGetAll(context.Background(), k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for f, v := range fields {
			if name, ok := strings.CutPrefix(f, "v:"); ok {
				size += len(name) + storedLen(v)
			}
		}
	}
	if s, err := client.HGet(context.Background(), key, "s").Result(); err != nil || s != strconv.Itoa(size) {
		t.Fatalf("size field %q (%v), want %d", s, err, size)
	}
}

// TestRecordsOfTheFormerLayout: a record that an earlier version wrote,
// its big values in the session's hash and uncompressed, loads as it is;
// saves move a big value to the big-values hash when it changes and keep
// the others readable; the size limit counts them all.
func TestRecordsOfTheFormerLayout(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	ctx := context.Background()
	for _, maxSize := range []int{0, 1 << 20} {
		repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: maxSize})
		id := domain.NewSessionID()
		access, refresh := token(1200), token(700)
		expiry := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
		must(t, client.HSet(ctx, id, "m", expiry, "s", strconv.Itoa(6+1+1200+7+1+700+4+1+5), "t", expiry,
			"v:access", "s"+access, "v:refresh", "s"+refresh, "v:user", "salice").Err())
		must(t, client.PExpire(ctx, id, time.Hour).Err())
		s := mustLoad(t, repo, id)
		want := map[string]any{"access": access, "refresh": refresh, "user": "alice"}
		if !maps.Equal(s.Values, want) {
			t.Fatalf("limit %d: loaded %v", maxSize, s.Values)
		}
		s.Store("user", "bob")
		must(t, repo.Save(ctx, s))
		s.Store("access", token(1200))
		must(t, repo.Save(ctx, s))
		if got := mustLoad(t, repo, id).Values; !maps.Equal(got, s.Values) {
			t.Fatalf("limit %d: loaded after saves %v, want %v", maxSize, got, s.Values)
		}
		if in, err := client.HExists(ctx, id, "v:access").Result(); err != nil || in {
			t.Fatalf("limit %d: the changed big value is still in the session's hash (%v)", maxSize, err)
		}
		if maxSize > 0 {
			wantSizeFieldOf(t, client, id, "{"+id+"}")
		}
	}
}

// TestSizeLimitCountsValuesBeforeCompression: two requests each add a
// value that compresses to little and fits the limit alone; merged, the
// values before compression exceed it, and the second save is refused.
func TestSizeLimitCountsValuesBeforeCompression(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: 2000})
	ctx := context.Background()
	// Compressed to a value small enough for the session's hash, and to
	// one for the big-values hash.
	for _, value := range []func(byte) string{
		func(c byte) string { return strings.Repeat(string(c), 1200) },
		func(c byte) string { return strings.Repeat(string(c), 600) + token(600) },
	} {
		id := saveNew(t, repo, map[string]any{"small": "s"}).ID()
		first, second := mustLoad(t, repo, id), mustLoad(t, repo, id)
		first.Values["one"] = value('1')
		second.Values["two"] = value('2')
		must(t, repo.Save(ctx, first))
		err := repo.Save(ctx, second)
		// small (5+2) + one (3+1201) + two (3+1201)
		if !errors.Is(err, domain.ErrSessionTooLarge) || !strings.Contains(err.Error(), "2415 bytes") {
			t.Fatalf("second Save = %v; want ErrSessionTooLarge counting 2415 bytes", err)
		}
	}
}

// TestBigValuesInCluster: a record's two keys lie in one slot, so saves,
// regenerations and deletions of logged-in sessions work in a cluster,
// with and without a hash tag in the prefix.
func TestBigValuesInCluster(t *testing.T) {
	t.Parallel()
	cluster := redistest.Cluster(t, false)
	client := newClient(t, redisstore.ClientOptions{Host: strings.Join(cluster.Addrs(), ","), ClusterMode: true}).(*redis.ClusterClient)
	ctx := context.Background()
	for _, prefix := range []string{"", "session:", "{s}:"} {
		repo := redisstore.New(client, redisstore.Options{KeyPrefix: prefix, MaxAge: time.Hour, MaxSize: 1 << 20})
		for range 8 {
			s := saveNew(t, repo, loggedIn())
			key := prefix + s.ID()
			slot, err := client.ClusterKeySlot(ctx, key).Result()
			must(t, err)
			bigSlot, err := client.ClusterKeySlot(ctx, bigKeyOf(prefix, key)).Result()
			if err != nil || bigSlot != slot {
				t.Fatalf("prefix %q: big values in slot %d (%v), the session in %d", prefix, bigSlot, err, slot)
			}
			loaded := mustLoad(t, repo, s.ID())
			loaded.Store("access", token(1300))
			loaded.Regenerate()
			must(t, repo.Save(ctx, loaded))
			if got := mustLoad(t, repo, loaded.ID()).Values; !maps.Equal(got, loaded.Values) {
				t.Fatalf("prefix %q: loaded %v, want %v", prefix, got, loaded.Values)
			}
			must(t, repo.Delete(ctx, loaded.ID()))
			if _, err := repo.Load(ctx, loaded.ID()); !errors.Is(err, domain.ErrSessionNotFound) {
				t.Fatalf("prefix %q: Load after Delete = %v", prefix, err)
			}
		}
	}
	keys, err := keysPerMaster(ctx, client, "*")
	if err != nil || len(keys) != 0 {
		t.Fatalf("keys left: %v (%v)", keys, err)
	}
}
