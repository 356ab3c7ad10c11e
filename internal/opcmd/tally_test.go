package opcmd

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sessionauth/sessionauth/domain"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		keys []string
		want string
	}{
		{nil, KindAnonymous},
		{[]string{"cart"}, KindAnonymous},
		{[]string{domain.PendingLoginPrefix + "abc", "sessionauth.pendingUntil"}, KindPending},
		{[]string{"cart", domain.PendingLoginPrefix + "abc"}, KindPending},
		{[]string{domain.PendingLoginPrefix + "abc", domain.IdentityKey}, KindLoggedIn},
	} {
		if got := KindOf(c.keys); got != c.want {
			t.Errorf("KindOf(%q) = %s, want %s", c.keys, got, c.want)
		}
	}
}

func TestTallyKeepsTheLargestTen(t *testing.T) {
	tally, now := NewTally(), time.Now()
	for i := range 12 {
		s := domain.RestoreSession(domain.NewSessionID(), map[string][]byte{"v": bytes.Repeat([]byte{'x'}, 10*(i+1))}, now.Add(time.Duration(i)*24*time.Hour))
		tally.Add(s, now)
	}
	if len(tally.Largest) != largestKept || tally.Largest[0].Bytes != 121 || tally.Largest[9].Bytes != 31 {
		t.Errorf("largest %+v", tally.Largest)
	}
	got := map[string]int{}
	for _, b := range tally.Expiry {
		got[b.Within] = b.Sessions
	}
	// expiring in 0 days, 1, 2 … 11 days
	if got["1 hour"] != 1 || got["1 day"] != 1 || got["7 days"] != 6 || got["30 days"] != 4 || got["later"] != 0 {
		t.Errorf("expiry %v", got)
	}
	if tally.Total.Sessions != 12 || tally.Kinds[KindAnonymous].Sessions != 12 {
		t.Errorf("total %+v, kinds %+v", tally.Total, tally.Kinds)
	}
}

func TestMaskIDShowsNoPartOfTheID(t *testing.T) {
	id := domain.NewSessionID()
	m := MaskID(id)
	if m != MaskID(id) || m == MaskID(domain.NewSessionID()) || len(m) != 13 {
		t.Errorf("MaskID = %q: not stable, not distinct or not 13 characters", m)
	}
	for i := 0; i+4 <= len(id); i++ {
		if strings.Contains(m, id[i:i+4]) {
			t.Errorf("MaskID %q holds %q of the ID", m, id[i:i+4])
		}
	}
}

func TestGlobEscape(t *testing.T) {
	if got := globEscape(`app*[1]?\:`); got != `app\*\[1\]\?\\:` {
		t.Errorf("globEscape = %q", got)
	}
}

func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 10)
	p.step(3, false) // within the interval: nothing
	p.step(10, true)
	if buf.String() != "scanned 10 of about 10 keys\n" {
		t.Errorf("progress wrote %q", buf.String())
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, terminal: true, total: 10}
	p.step(5, false)
	p.step(12, true) // more keys than counted at the start
	want := "\r[###############               ] 5/10 keys\r[##############################] 12/12 keys\n"
	if buf.String() != want {
		t.Errorf("progress wrote %q, want %q", buf.String(), want)
	}
}
