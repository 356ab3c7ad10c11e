package redistest

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// MoveSlot moves one hash slot, and the keys in it, from the node from to
// the node to of the cluster, as redis-cli --cluster reshard does: to
// imports and from migrates the slot, MIGRATE moves its keys batch keys
// at a time (pausing before the first and after each batch, so that
// clients meet the slot half moved and get ASK and TRYAGAIN replies), and
// then every node learns the slot's new owner.
func (c *ClusterServer) MoveSlot(ctx context.Context, slot int, from, to *Server, batch int, pause time.Duration) error {
	src, dst := from.admin(), to.admin()
	defer src.Close()
	defer dst.Close()
	srcID, err := src.ClusterMyID(ctx).Result()
	if err != nil {
		return err
	}
	dstID, err := dst.ClusterMyID(ctx).Result()
	if err != nil {
		return err
	}
	if err := dst.Do(ctx, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID).Err(); err != nil {
		return fmt.Errorf("slot %d importing: %w", slot, err)
	}
	if err := src.Do(ctx, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID).Err(); err != nil {
		return fmt.Errorf("slot %d migrating: %w", slot, err)
	}
	host, port, _ := net.SplitHostPort(to.Addr)
	time.Sleep(pause)
	for {
		keys, err := src.ClusterGetKeysInSlot(ctx, slot, batch).Result()
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			break
		}
		args := []any{"MIGRATE", host, port, "", 0, 5000, "KEYS"}
		for _, k := range keys {
			args = append(args, k)
		}
		if err := src.Do(ctx, args...).Err(); err != nil {
			return fmt.Errorf("slot %d: MIGRATE: %w", slot, err)
		}
		time.Sleep(pause)
	}
	for _, n := range append([]*Server{to, from}, c.Nodes...) {
		nc := n.admin()
		err := nc.Do(ctx, "CLUSTER", "SETSLOT", slot, "NODE", dstID).Err()
		_ = nc.Close()
		if err != nil {
			return fmt.Errorf("slot %d to node %s: %w", slot, dstID, err)
		}
	}
	return nil
}

// admin is a client of s for the harness, to be closed by the caller.
func (s *Server) admin() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: s.Addr, Password: s.Password, TLSConfig: s.TLSConfig()})
}
