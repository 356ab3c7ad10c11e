// Package redisstore stores sessions in Redis (standalone or cluster,
// with TLS and ACL users) through go-redis's UniversalClient.
//
// Each session is one hash, <prefix><id>, and, when it holds values longer
// than 64 bytes, a second hash of those values in the same cluster slot
// (see pack.go and bigKey), so a record never spans cluster slots.
// Its fields are the session's keys prefixed with "v:", a meta field "m"
// holding the expiry in Unix milliseconds, a size field "s" holding the
// encoded size of the values and a field "t" holding the meta field the
// size was counted with, and a flag "c" when the record has big values; no
// user key can collide with them. The hashes' TTL is the session's
// lifetime. Load is one round trip (two HGETALLs); a save is one
// Lua script that writes only the changed fields, refreshes the expiry,
// checks the size limit against the merged record (keeping the size field
// by the changes' difference, so it reads only the changed fields) and
// refuses to recreate a session that vanished; a regenerating save is one
// script that merges and renames. A record whose size was not kept has it
// counted once, at its first limited save: earlier versions wrote no size
// field, or "<size>:<expiry>" without "t", and a "t" that differs from "m"
// tells that a writer which does not keep the size changed the record.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/redis/go-redis/v9"

	"github.com/sessionauth/sessionauth/domain"
)

const (
	// valuePrefix is put before each session key to make its field name.
	valuePrefix = "v:"
	// metaField holds the expiry in Unix milliseconds.
	metaField = "m"
	// defaultMaxAge applies when Options.MaxAge is zero.
	defaultMaxAge = 30 * 24 * time.Hour
	// defaultWaitTimeout applies when Options.WaitReplicas is set and
	// Options.WaitTimeout is not.
	defaultWaitTimeout = time.Second
)

// Options configures a Repository.
type Options struct {
	// KeyPrefix is put before every session key
	// (flamingo.session.redis.keyPrefix). In cluster mode a hash tag such
	// as "{sessions}:" would put every session in one slot; leave it out
	// to spread them.
	KeyPrefix string
	// MaxAge is how long a session lives after its last save
	// (flamingo.session.max.age); zero means 30 days.
	MaxAge time.Duration
	// MaxSize limits a session's encoded size in bytes, keys included
	// (flamingo.session.store.length), also after merging what concurrent
	// saves wrote; zero means no limit.
	MaxSize int
	// WaitReplicas (flamingo.session.redis.waitReplicas), when positive,
	// makes every write wait until that many replicas of the key's master
	// acknowledged it (WAIT), at most WaitTimeout
	// (flamingo.session.redis.waitTimeout); fewer acknowledgements make the
	// save fail with ErrReplicas. See replicas.go.
	WaitReplicas int
	WaitTimeout  time.Duration
	// ClientCache keeps the sessions this process loaded in its memory
	// while Redis reports no change to them; see clientcache.go. It works
	// with the clients ClientCacheSupported accepts and stays off with
	// others.
	ClientCache ClientCacheOptions
}

// Repository is a domain.SessionRepository on Redis. It is safe for
// concurrent use; it owns no connections of its own (the client does).
type Repository struct {
	client redis.UniversalClient
	cfg    Options
	fo     *failover    // nil outside cluster mode
	cache  *clientCache // nil without Options.ClientCache
	track  *tracker     // nil without Options.ClientCache
	big    bigKeyForm
}

var _ domain.SessionRepository = (*Repository)(nil)

// New returns a repository on client, a *redis.Client or a
// *redis.ClusterClient. It does not contact Redis. With
// Options.ClientCache, call it before the client is in use by other
// goroutines (go-redis changes the client's options as it connects, and
// New copies them).
func New(client redis.UniversalClient, cfg Options) *Repository {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = defaultMaxAge
	}
	if cfg.WaitReplicas > 0 && cfg.WaitTimeout <= 0 {
		cfg.WaitTimeout = defaultWaitTimeout
	}
	r := &Repository{client: client, cfg: cfg, fo: newFailover(client), big: bigKeys(cfg.KeyPrefix)}
	r.cache, r.track = newCache(client, cfg, r.sessionIDOf)
	return r
}

func (r *Repository) key(id string) string { return r.cfg.KeyPrefix + id }

// bigKeyForm is how the big-values hash of a record is named. Its key
// starts with the prefix, as ACL key patterns such as "~<prefix>*" expect.
type bigKeyForm int

const (
	// bigTagged: "<prefix>{<key>}", the record's key as the hash tag, when
	// the prefix holds no braces.
	bigTagged bigKeyForm = iota
	// bigSuffixed: "<key>:big", when the prefix's hash tag decides the slot.
	bigSuffixed
	// bigNone: the record keeps every value in its own hash, when neither
	// form would lie in the record's slot (a prefix with braces that form
	// no tag).
	bigNone
)

func bigKeys(prefix string) bigKeyForm {
	switch {
	case hasHashTag(prefix):
		return bigSuffixed
	case strings.ContainsAny(prefix, "{}"):
		return bigNone
	}
	return bigTagged
}

// bigKey is the key of the big-values hash of the record under key, in
// key's cluster slot; key itself when the record has none. Session IDs
// hold no braces or ':', so no session's key is another's big-values key.
func (r *Repository) bigKey(key string) string {
	switch r.big {
	case bigTagged:
		return r.cfg.KeyPrefix + "{" + key + "}"
	case bigSuffixed:
		return key + ":big"
	}
	return key
}

// sessionIDOf is the ID of the session whose record holds key, the
// session's hash or its big-values hash, as the client-side cache's
// invalidations name keys.
func (r *Repository) sessionIDOf(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, r.cfg.KeyPrefix)
	if !ok {
		return "", false
	}
	switch r.big {
	case bigTagged:
		if inner, ok := strings.CutPrefix(rest, "{"); ok {
			if inner, ok = strings.CutSuffix(inner, "}"); ok {
				return strings.CutPrefix(inner, r.cfg.KeyPrefix)
			}
		}
	case bigSuffixed:
		if id, ok := strings.CutSuffix(rest, ":big"); ok {
			return id, true
		}
	}
	return rest, true
}

// recordKeys are the keys of the record under key.
func (r *Repository) recordKeys(key string) []string {
	if r.big == bigNone {
		return []string{key}
	}
	return []string{key, r.bigKey(key)}
}

// Load reads the session in one round trip (HGETALL of the session's hash
// and of its big-values hash, pipelined). An ID that
// domain.ValidSessionID rejects, a missing key, a key that is not a hash
// and a hash without the meta field all yield an error wrapping
// domain.ErrSessionNotFound; the first without contacting Redis. Values
// that cannot be decoded are kept opaque by domain.RestoreSessionShared.
// Records written before big values had a hash of their own are read as
// they are.
func (r *Repository) Load(ctx context.Context, id string) (*domain.Session, error) {
	if !domain.ValidSessionID(id) {
		return nil, fmt.Errorf("redis session repository: load: %w: %w", domain.ErrSessionNotFound, domain.ErrInvalidSessionID)
	}
	if s, ok := r.cachedLoad(id); ok {
		return s, nil
	}
	t := r.cache.begin(id)
	key := r.key(id)
	var fields, big map[string]string
	err := r.fo.do(ctx, key, always, func() (err error) {
		if r.big == bigNone {
			fields, err = r.client.HGetAll(ctx, key).Result()
			return err
		}
		var main, more *redis.MapStringStringCmd
		_, err = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			main, more = p.HGetAll(ctx, key), p.HGetAll(ctx, r.bigKey(key))
			return nil
		})
		fields, big = main.Val(), more.Val()
		switch {
		case err == nil:
			return nil
		case main.Err() != nil:
			return main.Err()
		case more.Err() != nil:
			return more.Err()
		}
		return err // no connection: neither command has an error of its own
	})
	if err != nil {
		if isWrongType(err) {
			return nil, fmt.Errorf("redis session repository: load: %w: the key is not a session hash", domain.ErrSessionNotFound)
		}
		return nil, fmt.Errorf("redis session repository: load: %w", err)
	}
	expires, ok := parseExpiry(fields[metaField])
	if !ok {
		return nil, fmt.Errorf("redis session repository: load: %w", domain.ErrSessionNotFound)
	}
	r.cache.fill(t, id, joined(fields, big), expires, time.Now())
	return r.restore(id, expires, fields, big), nil
}

// joined is one map of the fields of a record's two hashes, for the
// client-side cache; a field lives in only one of them.
func joined(fields, big map[string]string) map[string]string {
	if len(big) == 0 {
		return fields
	}
	all := make(map[string]string, len(fields)+len(big))
	maps.Copy(all, fields)
	maps.Copy(all, big)
	return all
}

// restore makes the session from the fields of its hashes.
func (r *Repository) restore(id string, expires time.Time, hashes ...map[string]string) *domain.Session {
	count := 0
	for _, h := range hashes {
		count += len(h)
	}
	// Every field but the meta field may be a value (the size fields, when
	// there are, are not).
	return domain.RestoreSessionShared(id, count-1, r.storedValues(hashes...), expires)
}

// storedValues yields the session's keys and values from the fields of
// its hashes. The values are the bytes of go-redis's strings, without a
// copy, unless they were compressed: strings never change, and a restored
// session never writes to the bytes it keeps. go-redis reads each string
// of a reply into an allocation of its own, so the session's string values
// may share them (domain.RestoreSessionShared): a string a handler keeps
// keeps its own field's bytes alive, not the reply.
func (r *Repository) storedValues(hashes ...map[string]string) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		for _, fields := range hashes {
			for f, v := range fields {
				if k, ok := strings.CutPrefix(f, valuePrefix); ok && !yield(k, unpack(unsafe.Slice(unsafe.StringData(v), len(v)), r.cfg.MaxSize)) {
					return
				}
			}
		}
	}
}

// Delete removes the session in one round trip (DEL). Deleting a missing
// session, or an ID that domain.ValidSessionID rejects, is not an error.
func (r *Repository) Delete(ctx context.Context, id string) error {
	if !domain.ValidSessionID(id) {
		return nil
	}
	err := r.del(ctx, r.key(id))
	r.cache.invalidate(id)
	if err != nil {
		return fmt.Errorf("redis session repository: delete: %w", err)
	}
	return nil
}

func parseExpiry(v string) (time.Time, bool) {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// isWrongType reports whether err is Redis's WRONGTYPE reply. Its target
// escapes to errors.As, which costs an allocation: call it on errors only.
func isWrongType(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), "WRONGTYPE")
}

// IsBigValuesKey reports whether key, found under prefix, is the
// big-values hash of a session's record rather than a record: tools that
// count sessions by their keys skip it.
func IsBigValuesKey(prefix, key string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return false
	}
	switch bigKeys(prefix) {
	case bigTagged:
		return strings.HasPrefix(rest, "{") && strings.HasSuffix(rest, "}")
	case bigSuffixed:
		return strings.HasSuffix(rest, ":big")
	}
	return false
}
