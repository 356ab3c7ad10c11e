package domain_test

import (
	"maps"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/sessionauth/sessionauth/domain"
)

// TestRestoreSessionShared: the session restored from shared bytes holds
// the same values as RestoreSessionSeq's, its strings use the given
// bytes, its byte slices do not (a handler may change those in place),
// and it reports no change.
func TestRestoreSessionShared(t *testing.T) {
	values := map[string]any{"s": "a string", "empty": "", "b": []byte("raw"), "n": 7, "f": 2.5, "list": []any{"x"}}
	data := map[string][]byte{"bad": []byte("?")}
	for k, v := range values {
		data[k] = encode(t, v)
	}
	id, expires := domain.NewSessionID(), time.Now().Add(time.Hour)
	shared := domain.RestoreSessionShared(id, len(data), maps.All(data), expires)
	copied := domain.RestoreSessionSeq(id, len(data), maps.All(data), expires)
	if !reflect.DeepEqual(shared.Values, values) || !reflect.DeepEqual(copied.Values, values) {
		t.Fatalf("restored %v and %v; want %v", shared.Values, copied.Values, values)
	}
	if got := shared.UndecodableKeys(); !reflect.DeepEqual(got, []string{"bad"}) {
		t.Errorf("UndecodableKeys() = %v", got)
	}
	if s := shared.Values["s"].(string); unsafe.StringData(s) != &data["s"][1] {
		t.Error("the string does not share the stored bytes")
	}
	if s := copied.Values["s"].(string); unsafe.StringData(s) == &data["s"][1] {
		t.Error("RestoreSessionSeq shares the stored bytes of a string")
	}
	shared.Values["b"].([]byte)[0] = 'R'
	if string(data["b"][1:]) != "raw" {
		t.Errorf("changing a restored []byte in place changed the stored bytes: %q", data["b"])
	}
	shared.Values["b"] = []byte("raw")
	if shared.Modified() {
		t.Error("a restored session reports Modified()")
	}
	c, err := shared.Changes(0)
	if err != nil || len(c.Set) != 0 || len(c.Deleted) != 0 || len(c.All) != len(data) {
		t.Errorf("Changes() = %+v, %v; want nothing to write and every stored key kept", c, err)
	}
}
