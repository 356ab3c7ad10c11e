package gorillabridge_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestGorillaStoreAllocations pins the allocations of the store's part
// of one Flamingo request on the memory repository, for a session of ten
// values: New loads the session the signed cookie names, the request
// reads every value (and changes one), and Save runs twice with a
// request of Flamingo's making, as Flamingo saves. make allocs runs it
// without the race detector.
func TestGorillaStoreAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are checked without -race (make allocs)")
	}
	f := newGorillaFixture(t)
	values := map[string]any{}
	for i := range 10 {
		values[fmt.Sprintf("key%d", i)] = fmt.Sprintf("value %d", i)
	}
	cookie := f.create(t, values)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookie)
	for _, tc := range []struct {
		name  string
		write bool
		max   float64
	}{{"read", false, 55}, {"write", true, 68}} {
		n := 0
		w := &headerWriter{header: make(http.Header)}
		request := func() {
			clear(w.header)
			gs, err := f.store.New(req, gorillaStoreCookie)
			if err != nil {
				t.Fatal(err)
			}
			for k := range values {
				_ = gs.Values[k]
			}
			if tc.write {
				n++
				gs.Values["key0"] = n + 1000 // a new value each time, boxed like most values
			}
			saveReq := gorillaFlamingoRequest(gs)
			for range 2 {
				if err := f.store.Save(saveReq, w, gs); err != nil {
					t.Fatal(err)
				}
			}
		}
		request()
		if got := testing.AllocsPerRun(200, request); got > tc.max {
			t.Errorf("%s: %v allocations per request, want at most %v", tc.name, got, tc.max)
		}
	}
}

// headerWriter is a ResponseWriter that keeps only the header.
type headerWriter struct{ header http.Header }

func (w *headerWriter) Header() http.Header         { return w.header }
func (w *headerWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *headerWriter) WriteHeader(int)             {}
