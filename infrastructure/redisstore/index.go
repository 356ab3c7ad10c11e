package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
)

var _ domain.SessionIndex = (*Repository)(nil)

// indexScript files one session ID in one index key, a sorted set scored
// by expiry in Unix milliseconds: it drops the expired members and makes
// the key live as long as its longest entry. One key per call, so it runs
// on whichever node holds that key's slot.
//
// KEYS[1] index key; ARGV[1] session ID, ARGV[2] its expiry, ARGV[3] now.
var indexScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
return 1
`)

// indexKey is where the entries of key live: a hash of it under the key
// prefix. Session IDs have no ':', so no session key is an index key. The
// index and the session records are in different slots of a cluster;
// every command touches one key only.
func (r *Repository) indexKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return r.cfg.KeyPrefix + "index:" + hex.EncodeToString(sum[:16])
}

// Index files the session id under keys until expiresAt, one sorted set
// per key; see domain.SessionIndex.
func (r *Repository) Index(ctx context.Context, id string, keys []string, expiresAt time.Time) error {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	exp := strconv.FormatInt(expiresAt.UnixMilli(), 10)
	for _, k := range keys {
		if err := indexScript.Run(ctx, r.client, []string{r.indexKey(k)}, id, exp, now).Err(); err != nil {
			return fmt.Errorf("redis session repository: index: %w", err)
		}
	}
	return nil
}

// Unindex removes id from keys; see domain.SessionIndex.
func (r *Repository) Unindex(ctx context.Context, id string, keys []string) error {
	for _, k := range keys {
		if err := r.client.ZRem(ctx, r.indexKey(k), id).Err(); err != nil {
			return fmt.Errorf("redis session repository: unindex: %w", err)
		}
	}
	return nil
}

// Indexed returns the IDs under key whose entries have not expired; see
// domain.SessionIndex.
func (r *Repository) Indexed(ctx context.Context, key string) ([]string, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	ids, err := r.client.ZRangeByScore(ctx, r.indexKey(key), &redis.ZRangeBy{Min: "(" + now, Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis session repository: indexed: %w", err)
	}
	return ids, nil
}
