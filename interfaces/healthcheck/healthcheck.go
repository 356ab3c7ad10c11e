// Package healthcheck reports whether the services an application depends
// on are up. Modules bind their checks with
// injector.BindMap(new(healthcheck.Status), "session"); Handler serves them.
package healthcheck

import (
	"encoding/json"
	"net/http"
	"sort"
)

// Status is one service's health check. Status must return quickly (use a
// short timeout for network checks); details say what failed, or what was
// checked when alive.
type Status interface {
	Status() (alive bool, details string)
}

// StatusFunc adapts a function to Status.
type StatusFunc func() (bool, string)

// Status calls f.
func (f StatusFunc) Status() (bool, string) { return f() }

// Handler serves every bound Status as JSON:
// {"services":[{"name":"session","alive":true,"details":"..."}]}, sorted by
// name, with HTTP 500 when one of them is down and 200 otherwise.
type Handler struct {
	statuses map[string]Status
}

// NewHandler returns a handler for the given checks by name.
func NewHandler(statuses map[string]Status) *Handler {
	return &Handler{statuses: statuses}
}

// Inject receives every check bound with BindMap(new(healthcheck.Status), name).
func (h *Handler) Inject(statuses map[string]Status) *Handler {
	h.statuses = statuses
	return h
}

type service struct {
	Name    string `json:"name"`
	Alive   bool   `json:"alive"`
	Details string `json:"details"`
}

type report struct {
	Services []service `json:"services"`
}

// ServeHTTP runs every check and writes the report.
func (h *Handler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	rep := report{Services: make([]service, 0, len(h.statuses))}
	code := http.StatusOK
	for name, st := range h.statuses {
		alive, details := st.Status()
		if !alive {
			code = http.StatusInternalServerError
		}
		rep.Services = append(rep.Services, service{Name: name, Alive: alive, Details: details})
	}
	sort.Slice(rep.Services, func(i, j int) bool { return rep.Services[i].Name < rep.Services[j].Name })
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(rep)
}
