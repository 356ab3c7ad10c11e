package sessionauth

import (
	"errors"
	"reflect"
	"sync"

	"flamingo.me/dingo"

	"github.com/sessionauth/sessionauth/config"
)

// startup collects, for one injector, every configuration problem that
// ConfigModule, SessionModule and AuthModule find, and the checks that can
// only run once every module is configured (a backend or broker factory
// bound by a user's module, a Redis that must answer). dingo builds the
// eager check bound by startupOf after all modules are configured, in
// dingo.NewInjector (Flamingo: at its start-up); the check runs the late
// checks and turns the problems into one error that the call returns.
type startup struct {
	injector *dingo.Injector

	mu       sync.Mutex
	problems config.Problems
	late     []func(*dingo.Injector)
	ran      int // how many of late have run
}

// startupRecord finds the injector's startup in the injector itself; an
// interface, because dingo makes up a value for an unbound struct type.
type startupRecord interface{ record() *startup }

func (st *startup) record() *startup { return st }

// startupOf returns the startup of injector, binding a new one, with its
// eager check, the first time. A child injector gets one of its own.
func startupOf(injector *dingo.Injector) *startup {
	if v, err := injector.GetInstance(new(startupRecord)); err == nil {
		if st := v.(startupRecord).record(); st.injector == injector {
			return st
		}
	}
	st := &startup{injector: injector}
	injector.Bind(new(startupRecord)).ToInstance(st)
	injector.BindScope(&checkScope{st: st})
	injector.Bind(new(ConfigCheck)).ToInstance(new(ConfigCheck)).AsEagerSingleton().In(new(checkScope))
	return st
}

// add records the problems of ps.
func (st *startup) add(ps *config.Problems) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.problems.Join(ps)
}

// later runs check when the modules are configured; it records its
// problems with add.
func (st *startup) later(check func(*dingo.Injector)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.late = append(st.late, check)
}

// err runs the late checks not run yet and reports every problem.
func (st *startup) err() error {
	st.mu.Lock()
	late := st.late[st.ran:]
	st.ran = len(st.late)
	st.mu.Unlock()
	for _, check := range late {
		check(st.injector)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.problems.Err()
}

// ConfigCheck is bound by SessionModule and AuthModule as an eager
// singleton whose resolution returns every configuration problem as one
// error. A module that must not start on a bad configuration, where
// nothing builds eager singletons (a Flamingo application by default),
// asks for it in its Inject method: dingo then returns the error from
// InitModules.
type ConfigCheck struct{}

// checkScope is the dingo scope of ConfigCheck: it resolves the check
// only when the configuration has no problem, and otherwise returns the
// error, which dingo hands back to the caller of NewInjector, InitModules
// or BuildEagerSingletons. It is also the scope of the components that
// cannot be built from a configuration with problems, so that GetInstance
// returns the error too.
type checkScope struct{ st *startup }

// ResolveType implements dingo.Scope.
func (s *checkScope) ResolveType(t reflect.Type, annotation string, unscoped func(reflect.Type, string, bool) (reflect.Value, error)) (reflect.Value, error) {
	if err := s.st.err(); err != nil {
		return reflect.Value{}, err
	}
	return unscoped(t, annotation, false)
}

// unwrapConfig returns the configuration's error from err, without the
// lines dingo puts around it (initmodules: loading eager singletons: …),
// or err when it is not one.
func unwrapConfig(err error) error {
	var ce *config.Error
	if errors.As(err, &ce) {
		return ce
	}
	return err
}
