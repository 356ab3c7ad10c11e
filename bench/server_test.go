package bench_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
	sessionauthredis "github.com/sessionauth/sessionauth/infrastructure/redisstore"
	"github.com/sessionauth/sessionauth/internal/redistest"
)

// serverWrites are the rows of BenchmarkServerWrite: ways to change one
// value of a stored ten-value session, from the bare commands to
// sessionauth's save script. Each prepares its session hash and returns
// the write to repeat.
var serverWrites = []struct {
	name    string
	prepare func(b *testing.B, client *goredis.Client, key string) func(ctx context.Context, i int) error
}{
	// commands: what the go-redis floor sends, HSET and PEXPIRE in one pipeline.
	{"commands", func(b *testing.B, client *goredis.Client, key string) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			_, err := client.Pipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, key, "v:visits", strconv.Itoa(i))
				p.PExpire(ctx, key, maxAge*time.Second)
				return nil
			})
			return err
		}
	}},
	// The least a script costs: one that does nothing, one that sends the
	// same two commands, and one that also reads the changed field first,
	// as an atomic check before the write must.
	{"script-empty", scriptWrite(`return 1`)},
	{"script-hset-pexpire", scriptWrite(`
redis.call('HSET', KEYS[1], 'v:visits', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)},
	{"script-hmget-hset-pexpire", scriptWrite(`
local got = redis.call('HMGET', KEYS[1], 'm', 'v:visits')
redis.call('HSET', KEYS[1], 'v:visits', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)},
	// sessionauth-save: the Redis repository's save of one changed value,
	// with Flamingo's default size limit (the load is not repeated).
	{"sessionauth-save", func(b *testing.B, client *goredis.Client, _ string) func(context.Context, int) error {
		repo := sessionauthredis.New(client, sessionauthredis.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
		s := domain.NewSession()
		s.Values = tenValues()
		if err := repo.Save(context.Background(), s); err != nil {
			b.Fatal(err)
		}
		loaded, err := repo.Load(context.Background(), s.ID())
		if err != nil {
			b.Fatal(err)
		}
		return func(ctx context.Context, i int) error {
			loaded.Store("visits", i)
			return repo.Save(ctx, loaded)
		}
	}},
}

// scriptWrite prepares a ten-value hash and repeats EVALSHA of source on
// it, with the changed value and the TTL in milliseconds as ARGV.
func scriptWrite(source string) func(b *testing.B, client *goredis.Client, key string) func(context.Context, int) error {
	return func(b *testing.B, client *goredis.Client, key string) func(context.Context, int) error {
		ctx := context.Background()
		fields := []any{"m", strconv.FormatInt(time.Now().Add(maxAge*time.Second).UnixMilli(), 10)}
		for k, v := range tenValues() {
			fields = append(fields, "v:"+k, fmt.Sprint(v))
		}
		if err := client.HSet(ctx, key, fields...).Err(); err != nil {
			b.Fatal(err)
		}
		script := goredis.NewScript(source)
		if err := script.Load(ctx, client).Err(); err != nil {
			b.Fatal(err)
		}
		ttl := strconv.FormatInt((maxAge * time.Second).Milliseconds(), 10)
		return func(ctx context.Context, i int) error {
			return script.EvalSha(ctx, client, []string{key}, strconv.Itoa(i), ttl).Err()
		}
	}
}

// BenchmarkServerWrite measures on the server (INFO commandstats) what
// changing one value of a ten-value session costs, and how much of that a
// Lua script costs by itself on this redis-server: server-µs/op is the
// time of the commands the client sent (a script's includes what it ran),
// cmds/op counts the script's commands too. make bench-compare divides the
// rows by "commands" within a pass.
func BenchmarkServerWrite(b *testing.B) {
	srv := redistest.Standalone(b)
	client := srv.Client(b)
	for _, w := range serverWrites {
		b.Run(w.name, func(b *testing.B) {
			ctx := context.Background()
			write := w.prepare(b, client, "server:"+w.name)
			if err := write(ctx, 0); err != nil {
				b.Fatal(err)
			}
			before, err := redistest.ReadCommands(ctx, client)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				if err := write(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
			after, err := redistest.ReadCommands(ctx, client)
			if err != nil {
				b.Fatal(err)
			}
			ran := after.Since(before)
			delete(ran, "info")
			n := float64(b.N)
			b.ReportMetric(float64(ran.Calls())/n, "cmds/op")
			b.ReportMetric(float64(topLevelUsec(ran))/n, "server-µs/op")
		})
	}
}
