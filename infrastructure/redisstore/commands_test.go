package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// TestServerCommands pins, with INFO commandstats, the commands the server
// runs for each operation, the save script's own included: a save reads
// only the fields it changes, never the whole hash, so a session of a
// thousand values costs what a session of one does.
func TestServerCommands(t *testing.T) {
	t.Parallel()
	const limited, unlimited = "evalsha=1 hmget=1 hset=1 pexpire=1", "evalsha=1 hexists=1 hset=1 pexpire=1"
	const loggedIn = "evalsha=1 hget=1 hmget=1 hset=1 pexpire=2"
	tests := []struct {
		name    string
		maxSize int
		values  int
		want    [5]string // new, load, change one, touch, change and delete
		token   bool      // a value of 1 200 bytes besides, in the big-values hash
	}{
		{"size limit on", 1 << 20, 10, [5]string{"del=2 evalsha=1 hset=1 pexpire=1", "hgetall=2", limited, limited, "evalsha=1 hdel=1 hmget=1 hset=1 pexpire=1"}, false},
		{"size limit on, 1000 values", 1 << 20, 1000, [5]string{"del=2 evalsha=1 hset=1 pexpire=1", "hgetall=2", limited, limited, "evalsha=1 hdel=1 hmget=1 hset=1 pexpire=1"}, false},
		{"size limit on, logged in", 1 << 20, 10, [5]string{"del=2 evalsha=1 hset=3 pexpire=2", "hgetall=2", loggedIn, "evalsha=1 hmget=1 hset=1 pexpire=2",
			"evalsha=1 hdel=2 hmget=2 hset=1 pexpire=2"}, true},
		{"size limit off", 0, 10, [5]string{"del=2 evalsha=1 hset=1 pexpire=1", "hgetall=2", unlimited, unlimited, "evalsha=1 hdel=1 hexists=1 hset=1 pexpire=1"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client := redistest.Standalone(t).Client(t)
			repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: tc.maxSize})
			ctx := context.Background()
			saveNew(t, repo, map[string]any{"warm": "the script is loaded"})
			values := manyValues(tc.values)
			if tc.token {
				values["token"] = token(1200)
			}
			s := domain.NewSession()
			var loaded *domain.Session
			ops := []func() error{
				func() error { s.Values = values; return repo.Save(ctx, s) },
				func() (err error) { loaded, err = repo.Load(ctx, s.ID()); return err },
				func() error { loaded.Store("k0001", "changed"); return repo.Save(ctx, loaded) },
				func() error { return repo.Save(ctx, loaded) },
				func() error { loaded.Store("k0002", 2); loaded.Delete("k0003"); return repo.Save(ctx, loaded) },
			}
			for i, op := range ops {
				var err error
				got := redistest.CommandsDuring(t, client, func() { err = op() })
				if err != nil || got.String() != tc.want[i] {
					t.Errorf("step %d: server ran %q (error %v), want %q", i, got, err, tc.want[i])
				}
			}
			if tc.maxSize > 0 {
				wantSizeField(t, client, s.ID())
			}
		})
	}
}

func manyValues(n int) map[string]any {
	values := make(map[string]any, n)
	for i := range n {
		values[fmt.Sprintf("k%04d", i)] = strings.Repeat("v", i%50)
	}
	return values
}

// wantSizeField checks that the record's size field agrees with its
// values, counted as domain.Changes counts them.
func wantSizeField(t *testing.T, client *redis.Client, key string) {
	t.Helper()
	fields, err := client.HGetAll(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	big, err := client.HGetAll(context.Background(), "{"+key+"}").Result()
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, hash := range []map[string]string{fields, big} {
		for f, v := range hash {
			if k, ok := strings.CutPrefix(f, "v:"); ok {
				size += len(k) + storedLen(v)
			}
		}
	}
	if fields["s"] != strconv.Itoa(size) || fields["t"] != fields["m"] {
		t.Fatalf("size field %q written with %q, want %d written with the meta field %q", fields["s"], fields["t"], size, fields["m"])
	}
}

// storedLen is the length of a stored value before compression.
func storedLen(v string) int {
	if rest, ok := strings.CutPrefix(v, "\x00"); ok {
		if n, _, ok := strings.Cut(rest, ":"); ok {
			if l, err := strconv.Atoi(n); err == nil {
				return l
			}
		}
	}
	return len(v)
}

// TestRecordsWithoutSizeField: a record that an older version wrote (no
// size field), or that an older version changed after this one wrote it
// (it writes the meta field, not the size), loads and saves as before; the
// size limit counts the values the older version wrote since the load,
// once, and from then on keeps the size field.
func TestRecordsWithoutSizeField(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: 100})
	ctx := context.Background()
	a := strings.Repeat("a", 40)
	olderWrite := func(key string, fields ...any) error {
		expiry := strconv.FormatInt(time.Now().Add(2*time.Hour).UnixMilli(), 10)
		return client.HSet(ctx, key, append([]any{"m", expiry}, fields...)...).Err()
	}
	tests := map[string]func() string{
		"written by an older version": func() string {
			id := domain.NewSessionID()
			must(t, olderWrite(id, "v:a", "s"+a, "v:b", "i\x02"))
			return id
		},
		"written by an older version with the size field": func() string {
			id := domain.NewSessionID()
			expiry := strconv.FormatInt(time.Now().Add(2*time.Hour).UnixMilli(), 10)
			must(t, client.HSet(ctx, id, "m", expiry, "s", "45:"+expiry, "v:a", "s"+a, "v:b", "i\x02").Err())
			return id
		},
		"written by this version": func() string { return saveNew(t, repo, map[string]any{"a": a, "b": 1}).ID() },
	}
	for name, record := range tests {
		t.Run(name, func(t *testing.T) {
			id := record()
			s := mustLoad(t, repo, id)
			if s.Values["a"] != a || s.Values["b"] != 1 {
				t.Fatalf("loaded %v", s.Values)
			}
			must(t, olderWrite(id, "v:x", "s"+a)) // meanwhile, by another request
			s.Values["c"] = strings.Repeat("c", 30)
			// a 1+41, b 1+2, x 1+41, c 1+31
			if err := repo.Save(ctx, s); !errors.Is(err, domain.ErrSessionTooLarge) || !strings.Contains(err.Error(), "119 bytes") {
				t.Fatalf("Save past the limit = %v; want ErrSessionTooLarge counting 119 bytes", err)
			}
			s.Values["c"] = "c"
			must(t, repo.Save(ctx, s))
			wantSizeField(t, client, id)
			s.Values["d"] = "d"
			got := redistest.CommandsDuring(t, client, func() { must(t, repo.Save(ctx, s)) })
			if got["hgetall"].Calls != 0 {
				t.Fatalf("the next save ran %q; want the size field used, not the whole hash read", got)
			}
			wantSizeField(t, client, id)
		})
	}
}

// TestSaveOfManyKeys: changes too many for one command (Lua's unpack takes
// some thousands of arguments) are written in several.
func TestSaveOfManyKeys(t *testing.T) {
	t.Parallel()
	client := redistest.Standalone(t).Client(t)
	repo := redisstore.New(client, redisstore.Options{MaxAge: time.Hour, MaxSize: 1 << 20})
	ctx := context.Background()
	s := domain.NewSession()
	s.Values = manyValues(9000)
	must(t, repo.Save(ctx, s))
	loaded := mustLoad(t, repo, s.ID())
	for k := range loaded.Values {
		loaded.Values[k] = "changed"
	}
	must(t, repo.Save(ctx, loaded))
	wantSizeField(t, client, s.ID())
	loaded = mustLoad(t, repo, s.ID())
	if len(loaded.Values) != 9000 || loaded.Values["k8999"] != "changed" {
		t.Fatalf("loaded %d values, k8999 = %v", len(loaded.Values), loaded.Values["k8999"])
	}
	clear(loaded.Values)
	must(t, repo.Save(ctx, loaded))
	wantSizeField(t, client, s.ID())
	if n := len(mustLoad(t, repo, s.ID()).Values); n != 0 {
		t.Fatalf("%d values left after deleting all", n)
	}
}
