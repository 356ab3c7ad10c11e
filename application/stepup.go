package application

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

// Bounds of what a login start's query may ask of the provider.
const (
	// MaxLoginMaxAge is the largest max_age a login start accepts.
	MaxLoginMaxAge = 366 * 24 * time.Hour
	// MaxACRValues is how many acr_values a login start accepts.
	MaxACRValues = 8
	// MaxACRValueLength is the longest acr value a login start accepts.
	MaxACRValueLength = 128
)

// LoginQueryParams returns the parameters of a login start's query that go
// to the provider's authorization request: prompt (login or none only),
// max_age (whole seconds, at most MaxLoginMaxAge) and acr_values (at most
// MaxACRValues values of visible ASCII, each at most MaxACRValueLength
// long). The rest of the query is not the provider's. A value out of
// these bounds yields an error wrapping domain.ErrInvalidLoginRequest that
// names the parameter.
func LoginQueryParams(query url.Values) (url.Values, error) {
	out := url.Values{}
	if query.Has("prompt") {
		p := query.Get("prompt")
		if len(query["prompt"]) != 1 || (p != "login" && p != "none") {
			return nil, fmt.Errorf("%w: prompt must be login or none", domain.ErrInvalidLoginRequest)
		}
		out.Set("prompt", p)
	}
	if query.Has("max_age") {
		if len(query["max_age"]) != 1 {
			return nil, fmt.Errorf("%w: max_age given twice", domain.ErrInvalidLoginRequest)
		}
		if _, err := parseMaxAge(query.Get("max_age")); err != nil {
			return nil, err
		}
		out.Set("max_age", query.Get("max_age"))
	}
	if query.Has("acr_values") {
		if len(query["acr_values"]) != 1 {
			return nil, fmt.Errorf("%w: acr_values given twice", domain.ErrInvalidLoginRequest)
		}
		if _, err := parseACRValues(query.Get("acr_values")); err != nil {
			return nil, err
		}
		out.Set("acr_values", query.Get("acr_values"))
	}
	return out, nil
}

// loginRequirement is what the callback of a login checks, from the
// parameters its authorization request carried.
type loginRequirement struct {
	domain.AuthRequirement
	// Fresh: prompt=login or max_age=0 asked for an authentication during
	// this login, so auth_time must not be older than the login's start.
	Fresh bool
}

// requirementOf reads max_age, acr_values and prompt from the parameters
// of an authorization request.
func requirementOf(params url.Values) (loginRequirement, error) {
	var q loginRequirement
	if params.Has("max_age") {
		d, err := parseMaxAge(params.Get("max_age"))
		if err != nil {
			return q, err
		}
		q.MaxAge, q.Fresh = d, d == 0
	}
	if params.Has("acr_values") {
		values, err := parseACRValues(params.Get("acr_values"))
		if err != nil {
			return q, err
		}
		q.ACRValues = values
	}
	for _, p := range strings.Fields(params.Get("prompt")) {
		q.Fresh = q.Fresh || p == "login"
	}
	return q, nil
}

// check reports whether id, the login that started at started, satisfies q
// at now.
func (q loginRequirement) check(id *domain.Identity, started, now time.Time) error {
	if err := q.Check(id, now); err != nil {
		return err
	}
	if q.Fresh && (id.AuthTime.IsZero() || id.AuthTime.Before(started.Add(-domain.AuthTimeLeeway))) {
		return fmt.Errorf("%w: a new authentication was asked for (prompt=login or max_age=0), but auth_time is missing or from before the login started", domain.ErrInsufficientAuthentication)
	}
	return nil
}

func parseMaxAge(s string) (time.Duration, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || time.Duration(n)*time.Second > MaxLoginMaxAge {
		return 0, fmt.Errorf("%w: max_age must be whole seconds from 0 to %d", domain.ErrInvalidLoginRequest, int64(MaxLoginMaxAge/time.Second))
	}
	return time.Duration(n) * time.Second, nil
}

func parseACRValues(s string) ([]string, error) {
	values := strings.Fields(s)
	if len(values) == 0 || len(values) > MaxACRValues {
		return nil, fmt.Errorf("%w: acr_values must hold 1 to %d values", domain.ErrInvalidLoginRequest, MaxACRValues)
	}
	for _, v := range values {
		if len(v) > MaxACRValueLength || strings.ContainsFunc(v, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			return nil, fmt.Errorf("%w: each of acr_values must be visible ASCII of at most %d characters", domain.ErrInvalidLoginRequest, MaxACRValueLength)
		}
	}
	return values, nil
}
