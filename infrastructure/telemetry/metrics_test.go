package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/filestore"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
	"github.com/sessionauth/sessionauth/infrastructure/telemetry"
)

// sumOf collects the int64 sum name from reader: its total and the
// attributes of its data points.
func sumOf(t *testing.T, reader *sdkmetric.ManualReader, name string) (int64, []attribute.Set) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var total int64
	var sets []attribute.Set
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == name {
				for _, dp := range s.DataPoints {
					total += dp.Value
					sets = append(sets, dp.Attributes)
				}
			}
		}
	}
	return total, sets
}

func TestEvictionsAreCounted(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	opts := telemetry.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))}
	repo := memorystore.New(memorystore.Options{MaxSessions: 2, Evicted: telemetry.NewEvictionCounter("memory", opts)})
	defer repo.Close()
	var ids []string
	for range 5 {
		s := domain.NewSession()
		s.Store("cart", 1)
		if err := repo.Save(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID())
	}
	n, sets := sumOf(t, reader, "sessionauth.session.evictions")
	if n != 3 {
		t.Errorf("%d evictions counted, want 3 (5 sessions saved, 2 kept)", n)
	}
	for _, set := range sets {
		if v, _ := set.Value(telemetry.AttrBackend); set.Len() != 1 || v.AsString() != "memory" {
			t.Errorf("eviction attributes %v, want only sessionauth.backend=memory", set.Encoded(attribute.DefaultEncoder()))
		}
		for _, id := range ids {
			if strings.Contains(set.Encoded(attribute.DefaultEncoder()), id) {
				t.Errorf("eviction attributes hold a session ID")
			}
		}
	}
}

func TestActiveLoginsFollowLoginsAndLogouts(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	obs := telemetry.NewObserver(telemetry.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	run := func(op application.Operation, out application.Outcome) {
		_, end := obs.Begin(context.Background(), op, "dev")
		end(out)
	}
	steps := []struct {
		op   application.Operation
		out  application.Outcome
		want int64
	}{
		{application.OpCallback, application.Outcome{}, 1},
		{application.OpCallback, application.Outcome{}, 2},
		{application.OpCallback, application.Outcome{Err: domain.ErrInvalidState}, 2},
		{application.OpRefresh, application.Outcome{}, 2},
		{application.OpLogout, application.Outcome{Sessions: 0}, 2},
		{application.OpLogout, application.Outcome{Sessions: 1}, 1},
		{application.OpCallback, application.Outcome{}, 2},
		{application.OpBackChannelLogout, application.Outcome{Sessions: 2}, 0},
		{application.OpBackChannelLogout, application.Outcome{Err: errors.Join(domain.ErrInvalidLogoutToken)}, 0},
		{application.OpCallback, application.Outcome{}, 1},
		{application.OpFrontChannelLogout, application.Outcome{Err: domain.ErrInvalidFrontChannelRequest}, 1},
		{application.OpFrontChannelLogout, application.Outcome{Sessions: 1}, 0},
	}
	for i, s := range steps {
		run(s.op, s.out)
		n, sets := sumOf(t, reader, "sessionauth.auth.logins.active")
		if n != s.want {
			t.Errorf("step %d (%s): %d active logins, want %d", i, s.op, n, s.want)
		}
		for _, set := range sets {
			if v, _ := set.Value(telemetry.AttrBroker); set.Len() != 1 || v.AsString() != "dev" {
				t.Errorf("active logins attributes %v, want only sessionauth.broker=dev", set.Encoded(attribute.DefaultEncoder()))
			}
		}
	}
}

func TestMergedSavesAreCounted(t *testing.T) {
	t.Run("memory", func(t *testing.T) { mergedSaves(t, memorystore.New(memorystore.Options{})) })
	t.Run("file", func(t *testing.T) {
		repo, err := filestore.New(filestore.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = repo.Close() })
		mergedSaves(t, repo)
	})
}

// mergedSaves saves one session from overlapping loads and checks which
// saves are counted and marked as merging another request's changes.
func mergedSaves(t *testing.T, inner domain.SessionRepository) {
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	repo := telemetry.NewRepository(inner, "test", telemetry.Options{
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
	})
	ctx := context.Background()
	s := domain.NewSession()
	s.Store("cart", 1)
	if err := repo.Save(ctx, s); err != nil {
		t.Fatal(err)
	}
	a, _ := repo.Load(ctx, s.ID())
	b, _ := repo.Load(ctx, s.ID())
	a.Store("cart", 2)
	b.Store("wish", 3)
	for _, x := range []*domain.Session{a, b, b} { // b merges a's cart; then nothing new
		if err := repo.Save(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := repo.Load(ctx, s.ID())
	c.Regenerate()
	a.Store("cart", 4) // a loaded before b saved wish: merges it
	if err := repo.Save(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := repo.Save(ctx, c); err != nil { // regenerating c merges a's cart 4
		t.Fatal(err)
	}
	if n, sets := sumOf(t, reader, "sessionauth.session.conflicts.merged"); n != 3 || len(sets) != 1 || sets[0].Len() != 1 {
		t.Errorf("%d merged saves counted with %v, want 3 with only sessionauth.backend", n, sets)
	}
	var marked []bool
	for _, sp := range spans.Ended() {
		if sp.Name() == "sessionauth.session.save" {
			set := attribute.NewSet(sp.Attributes()...)
			v, _ := set.Value(telemetry.AttrMerged)
			marked = append(marked, v.AsBool())
		}
	}
	if want := []bool{false, false, true, false, true, true}; fmt.Sprint(marked) != fmt.Sprint(want) {
		t.Errorf("save spans marked merged: %v, want %v", marked, want)
	}
}
