package redisstore

import (
	"context"
	"fmt"
	"time"
)

// statusTimeout bounds the PING of a health check.
const statusTimeout = 2 * time.Second

// Ping checks that Redis answers PING; in cluster mode one node answers.
func (r *Repository) Ping(ctx context.Context) error {
	if err := r.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis session repository: ping: %w", err)
	}
	return nil
}

// Status is the health check (healthcheck.Status): alive when Redis
// answers PING within two seconds; otherwise details say what failed.
func (r *Repository) Status() (alive bool, details string) {
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	if err := r.client.Ping(ctx).Err(); err != nil {
		return false, fmt.Sprintf("redis does not answer PING within %v: %v", statusTimeout, err)
	}
	return true, "redis answers PING"
}
