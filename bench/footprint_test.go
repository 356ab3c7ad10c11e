package bench_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"runtime"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
	"github.com/sessionauth/sessionauth/infrastructure/memorystore"
)

// footprintSessions is how many sessions BenchmarkFootprint stores.
const footprintSessions = 200_000

// BenchmarkFootprint stores 200 000 sessions of the ten values in
// sessionauth's memory repository and in a live map (the floor), and
// reports the heap each live session takes (B/session) beside the size of
// the gob encoding of its values (gob-B/session), the smallest form a
// store could keep them in. Run it once: -benchtime 1x.
func BenchmarkFootprint(b *testing.B) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(tenValues()); err != nil {
		b.Fatal(err)
	}
	gobSize := float64(buf.Len())
	b.Run("sessionauth-memory", func(b *testing.B) {
		for b.Loop() {
			repo := memorystore.New(memorystore.Options{MaxAge: maxAge * time.Second, MaxSize: maxSize})
			perSession := heapPer(b, func() {
				for range footprintSessions {
					s := domain.NewSession()
					for k, v := range tenValues() {
						s.Values[k] = v
					}
					if err := repo.Save(context.Background(), s); err != nil {
						b.Fatal(err)
					}
				}
			})
			report(b, perSession, gobSize)
			runtime.KeepAlive(repo)
			_ = repo.Close()
		}
	})
	b.Run("floor-memory", func(b *testing.B) {
		for b.Loop() {
			sessions := make(map[string]map[string]any)
			perSession := heapPer(b, func() {
				for range footprintSessions {
					sessions[domain.NewSessionID()] = tenValues()
				}
			})
			report(b, perSession, gobSize)
			runtime.KeepAlive(sessions)
		}
	})
}

// heapPer returns the live heap that fill adds, per stored session.
func heapPer(b *testing.B, fill func()) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return float64(after.HeapAlloc-before.HeapAlloc) / footprintSessions
}

func report(b *testing.B, perSession, gobSize float64) {
	b.ReportMetric(perSession, "B/session")
	b.ReportMetric(gobSize, "gob-B/session")
	b.ReportMetric(perSession/gobSize, "x-gob")
}
