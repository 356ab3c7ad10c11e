package domain_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/interfaces/healthcheck"
)

// The repository of docs/custom.md, over a map: Save is the documented
// one, the helpers stand in for a database's atomic operations.
type Repository struct {
	mu      sync.Mutex
	records map[string]map[string][]byte
	expires map[string]time.Time
	maxSize int
	maxAge  time.Duration
}

var _ domain.SessionRepository = (*Repository)(nil)

func newDynamoRepository() *Repository {
	return &Repository{records: map[string]map[string][]byte{}, expires: map[string]time.Time{}, maxAge: time.Hour}
}

// snippet custom-save
func (r *Repository) Save(ctx context.Context, s *domain.Session) error {
	c, err := s.Changes(r.maxSize) // ErrSessionTooLarge, ErrValueNotEncodable: write nothing
	if err != nil {
		return err
	}
	expires := time.Now().Add(r.maxAge)
	switch {
	case c.Destroy:
		err = r.delete(ctx, c.ID)
	case c.PreviousID != "": // regenerated: in one atomic step, merge c.Set and c.Deleted
		// into the record stored under c.PreviousID, move it to c.ID, delete c.PreviousID;
		// ErrSessionNotFound if the old record is gone
		err = r.move(ctx, c.PreviousID, c.ID, c.Set, c.Deleted, expires)
	case c.New: // a new session: create c.ID from c.All
		err = r.create(ctx, c.ID, c.All, expires)
	default: // apply c.Set and c.Deleted atomically; ErrSessionNotFound if the record is gone
		err = r.update(ctx, c.ID, c.Set, c.Deleted, expires)
	}
	if err != nil {
		return fmt.Errorf("my repository: save: %w", err)
	}
	s.Saved(c, expires)
	return nil
}

// snippet end

func (r *Repository) Load(_ context.Context, id string) (*domain.Session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[id]
	if !ok || time.Now().After(r.expires[id]) {
		return nil, domain.ErrSessionNotFound
	}
	return domain.RestoreSession(id, maps.Clone(rec), r.expires[id]), nil
}

func (r *Repository) Delete(ctx context.Context, id string) error { return r.delete(ctx, id) }

func (r *Repository) Close() error { return nil }

func (r *Repository) delete(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.records, id)
	return nil
}

func (r *Repository) create(_ context.Context, id string, all map[string][]byte, expires time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records[id], r.expires[id] = maps.Clone(all), expires
	return nil
}

func (r *Repository) update(_ context.Context, id string, set map[string][]byte, deleted []string, expires time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.records[id]
	if !ok {
		return domain.ErrSessionNotFound
	}
	maps.Copy(rec, set)
	for _, k := range deleted {
		delete(rec, k)
	}
	r.expires[id] = expires
	return nil
}

func (r *Repository) move(ctx context.Context, from, to string, set map[string][]byte, deleted []string, expires time.Time) error {
	if err := r.update(ctx, from, set, deleted, expires); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records[to], r.expires[to] = r.records[from], expires
	delete(r.records, from)
	return nil
}

// A session saved by the documented Save comes back from Load.
func ExampleSession_Changes() {
	ctx, repo := context.Background(), newDynamoRepository()
	s := domain.NewSession()
	s.Store("visits", 1)
	if err := repo.Save(ctx, s); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := repo.Load(ctx, s.ID())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loaded.Try("visits"))
	// Output:
	// 1
}

type MyModule struct{}

type dynamoHealth struct{}

func (dynamoHealth) Status() (bool, string) { return true, "dynamo answers" }

// snippet custom-repository
func (m *MyModule) Configure(injector *dingo.Injector) {
	injector.BindMap(new(domain.SessionRepository), "dynamo").ToInstance(newDynamoRepository())
	injector.BindMap(new(healthcheck.Status), "session").ToInstance(dynamoHealth{})
}

// snippet end
