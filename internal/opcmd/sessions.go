package opcmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sessionauth/sessionauth/application"
	"github.com/sessionauth/sessionauth/domain"
)

const sessionsAbout = `Sessions lists, shows and ends the sessions of a user through the index of
a user's sessions that the application keeps in its backend (file or redis):

	sessionauth sessions list --config config.yml --sub alice [--broker corp]
	sessionauth sessions show --config config.yml --sub alice [--broker corp] --id HANDLE
	sessionauth sessions end  --config config.yml --sub alice [--broker corp] --id HANDLE
	sessionauth sessions end  --config config.yml --sub alice [--broker corp] --all-of-user

A session is named by its handle, the name the user's own "your sessions"
page gives it; the session ID, which logs in whoever holds it, is printed
only with --reveal. Without --broker every configured broker is searched.`

// sessionsFlags are the flags of every sessions command.
type sessionsFlags struct {
	config     configFlag
	sub        string
	broker     string
	id         string
	allOfUser  bool
	reveal     bool
	asJSON     bool
	positional []string
}

func runSessions(args []string, env Env) int {
	if len(args) == 0 || !slices.Contains([]string{"list", "show", "end", "-h", "-help", "--help"}, args[0]) {
		fmt.Fprintf(env.Stderr, "sessionauth sessions: name one of list, show, end\n\n%s\n", sessionsAbout)
		return ExitUsage
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.Stdout, sessionsAbout)
		return ExitOK
	}
	verb := args[0]
	fs := newFlags(env, "sessions "+verb, sessionsArguments[verb], sessionsAbout)
	var f sessionsFlags
	fs.Var(&f.config, "config", "the application's configuration file (repeat for several, later ones win)")
	fs.StringVar(&f.sub, "sub", "", "the user's subject (sub) at the broker")
	fs.StringVar(&f.broker, "broker", "", "the broker (core.auth.web.broker[].broker); default: every configured one")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	fs.BoolVar(&f.reveal, "reveal", false, "also print session IDs, which log in whoever holds them (warned on stderr)")
	if verb != "list" {
		fs.StringVar(&f.id, "id", "", "the handle of the session (sessions list shows them)")
	}
	if verb == "end" {
		fs.BoolVar(&f.allOfUser, "all-of-user", false, "end every session of the user")
	}
	positional, code, done := parse(fs, args[1:])
	if done {
		return code
	}
	f.positional = positional
	err := sessionsCommand(verb, f, env)
	var usage errUsage
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(env.Stderr, "sessionauth sessions %s: %v\n", verb, err)
		fs.Usage()
		return ExitUsage
	case err != nil:
		fmt.Fprintf(env.Stderr, "sessionauth sessions %s: %v\n", verb, err)
		return ExitProblem
	}
	return ExitOK
}

var sessionsArguments = map[string]string{"list": "--sub SUBJECT", "show": "--sub SUBJECT --id HANDLE", "end": "--sub SUBJECT (--id HANDLE | --all-of-user)"}

func sessionsCommand(verb string, f sessionsFlags, env Env) error {
	if f.sub == "" {
		return errUsage("name the user with --sub")
	}
	if err := sessionsArgs(verb, f); err != nil {
		return err
	}
	c, err := loadConfig(f.config, env)
	if err != nil {
		return err
	}
	brokers, err := brokerNames(c, f.broker)
	if err != nil {
		return err
	}
	repo, closeRepo, err := OpenStore(c.Session)
	if err != nil {
		return err
	}
	defer closeRepo()
	if f.reveal {
		fmt.Fprintln(env.Stderr, "warning: --reveal prints session IDs: whoever holds one is logged in as its user; do not paste them into tickets or chats")
	}
	u := application.NewUserSessions(application.NewIndexedRepository(repo, c.Session.MaxAge))
	ctx := context.Background()
	switch verb {
	case "list":
		return listSessions(ctx, u, brokers, f, env)
	case "show":
		return showSession(ctx, u, brokers, f, env)
	}
	return endSessions(ctx, u, brokers, f, env)
}

func sessionsArgs(verb string, f sessionsFlags) error {
	switch {
	case verb == "show" && f.id == "":
		return errUsage("name the session with --id HANDLE (sessions list shows the handles)")
	case len(f.positional) > 0:
		return errUsage(fmt.Sprintf("unexpected argument %q", f.positional[0]))
	case verb == "end" && (f.id == "") == !f.allOfUser:
		return errUsage("say which sessions to end: --id HANDLE for one, or --all-of-user for every one")
	}
	return nil
}

// brokerNames are the brokers to search: the one of --broker, which must
// be configured, or every configured one.
func brokerNames(c Checked, broker string) ([]string, error) {
	var names []string
	for _, b := range c.Auth.Brokers {
		names = append(names, b.Name)
	}
	if len(names) == 0 {
		return nil, errors.New("core.auth.web.broker is empty: nobody logs in, so no session belongs to a user")
	}
	if broker == "" {
		return names, nil
	}
	if !slices.Contains(names, broker) {
		return nil, errUsage(fmt.Sprintf("no broker %q in the configuration; the brokers are %s", broker, strings.Join(names, ", ")))
	}
	return []string{broker}, nil
}

// listed is a session in the output of list.
type listed struct {
	Broker   string            `json:"broker"`
	Handle   string            `json:"handle"`
	Created  time.Time         `json:"created"`
	LastSeen time.Time         `json:"lastSeen"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

func listSessions(ctx context.Context, u *application.UserSessions, brokers []string, f sessionsFlags, env Env) error {
	out := []listed{}
	for _, b := range brokers {
		list, err := u.ListSubject(ctx, b, f.sub)
		if err != nil {
			return err
		}
		for _, s := range list {
			out = append(out, listed{Broker: b, Handle: s.Handle, Created: s.Created, LastSeen: s.LastSeen, Metadata: s.Metadata})
		}
	}
	if f.asJSON {
		writeJSON(env.Stdout, out)
		return nil
	}
	if len(out) == 0 {
		fmt.Fprintf(env.Stdout, "no sessions of %q at %s\n", f.sub, strings.Join(brokers, ", "))
		return nil
	}
	fmt.Fprintf(env.Stdout, "%-10s %-18s %-20s %-20s %s\n", "BROKER", "HANDLE", "LOGIN", "LAST SEEN", "USER AGENT")
	for _, s := range out {
		fmt.Fprintf(env.Stdout, "%-10s %-18s %-20s %-20s %s\n", s.Broker, s.Handle, stamp(s.Created), stamp(s.LastSeen), s.Metadata["userAgent"])
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

func endSessions(ctx context.Context, u *application.UserSessions, brokers []string, f sessionsFlags, env Env) error {
	if f.allOfUser {
		total := 0
		for _, b := range brokers {
			n, err := u.EndSubject(ctx, b, f.sub)
			total += n
			if err != nil {
				return fmt.Errorf("ended %d sessions of %q, then: %w", total, f.sub, err)
			}
		}
		reportEnded(env, f, total, strings.Join(brokers, ", "))
		return nil
	}
	for _, b := range brokers {
		err := u.EndSubjectSession(ctx, b, f.sub, f.id)
		if err == nil {
			reportEnded(env, f, 1, b)
			return nil
		}
		if !errors.Is(err, application.ErrUnknownSession) {
			return err
		}
	}
	return unknownHandle(f)
}

// reportEnded says how many sessions of the user end ended at brokers.
func reportEnded(env Env, f sessionsFlags, n int, brokers string) {
	switch {
	case f.asJSON:
		writeJSON(env.Stdout, struct {
			Ended  int    `json:"ended"`
			Sub    string `json:"sub"`
			Broker string `json:"broker"`
		}{n, f.sub, brokers})
	case f.id != "":
		fmt.Fprintf(env.Stdout, "ended the session %s of %q at %s\n", f.id, f.sub, brokers)
	default:
		fmt.Fprintf(env.Stdout, "ended %s of %q at %s\n", plural(n, "session"), f.sub, brokers)
	}
}

func unknownHandle(f sessionsFlags) error {
	return fmt.Errorf("no session of %q has the handle %q (it ended, or the handle is mistyped); sessionauth sessions list --sub %s lists them", f.sub, f.id, f.sub)
}

// shown is a session in the output of show.
type shown struct {
	listed
	Subject    string    `json:"subject"`
	Expires    time.Time `json:"expires"`
	Bytes      int       `json:"bytes"`
	Keys       []keyInfo `json:"keys"`
	Flashes    int       `json:"flashes"`
	TokenUntil time.Time `json:"accessTokenExpiry,omitzero"`
	ID         string    `json:"id,omitempty"` // only with --reveal
}

// keyInfo is one key of a session: its value's type and encoded size.
type keyInfo struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Bytes int    `json:"bytes"`
}

func showSession(ctx context.Context, u *application.UserSessions, brokers []string, f sessionsFlags, env Env) error {
	for _, b := range brokers {
		s, info, err := u.SubjectSession(ctx, b, f.sub, f.id)
		if errors.Is(err, application.ErrUnknownSession) {
			continue
		}
		if err != nil {
			return err
		}
		out := describe(s, listed{Broker: b, Handle: info.Handle, Created: info.Created, LastSeen: info.LastSeen, Metadata: info.Metadata}, f)
		if f.asJSON {
			writeJSON(env.Stdout, out)
		} else {
			writeShown(env, out)
		}
		return nil
	}
	return unknownHandle(f)
}

// describe is what show tells of s: keys, types and sizes, never a value;
// the login's broker, subject and token expiry, never a token.
func describe(s *domain.Session, l listed, f sessionsFlags) shown {
	out := shown{listed: l, Subject: f.sub, Expires: s.ExpiresAt(), Bytes: s.StoredSize()}
	if f.reveal {
		out.ID = s.ID()
	}
	for _, k := range s.Keys() {
		v, _ := s.Load(k)
		size := len(k)
		if b, err := domain.EncodeValue(v); err == nil {
			size += len(b)
		}
		out.Keys = append(out.Keys, keyInfo{Key: k, Type: fmt.Sprintf("%T", v), Bytes: size})
		if list, ok := v.([]any); ok && k == "_flash" {
			out.Flashes = len(list)
		}
		if id, ok := v.(domain.Identity); ok {
			out.TokenUntil = id.Expiry
		}
	}
	for _, k := range s.UndecodableKeys() {
		out.Keys = append(out.Keys, keyInfo{Key: k, Type: "(a type this command does not know: the application registers it with gob.Register)"})
	}
	return out
}

func writeShown(env Env, s shown) {
	w := env.Stdout
	fmt.Fprintf(w, "session %s of %q at %s\n", s.Handle, s.Subject, s.Broker)
	if s.ID != "" {
		fmt.Fprintf(w, "  id:            %s\n", s.ID)
	}
	fmt.Fprintf(w, "  login:         %s\n  last seen:     %s\n  expires:       %s\n", stamp(s.Created), stamp(s.LastSeen), stamp(s.Expires))
	if !s.TokenUntil.IsZero() {
		fmt.Fprintf(w, "  access token:  (sealed, not shown) until %s\n", stamp(s.TokenUntil))
	}
	for k, v := range s.Metadata {
		fmt.Fprintf(w, "  %-14s %s\n", k+":", v)
	}
	fmt.Fprintf(w, "  flashes:       %d\n  size:          %d bytes\n  keys:\n", s.Flashes, s.Bytes)
	for _, k := range s.Keys {
		fmt.Fprintf(w, "    %-24s %-28s %d bytes\n", k.Key, k.Type, k.Bytes)
	}
}
