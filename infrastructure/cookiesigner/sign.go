package cookiesigner

import (
	"encoding/base64"
	"errors"
	"strconv"
	"time"
)

// errValueTooLong is securecookie's word for a value longer than a cookie
// may be.
var errValueTooLong = errors.New("the value is too long")

// sign returns id signed with the first secret at the time now (Unix
// seconds) in the format securecookie's Encode writes with the NopEncoder
// and without encryption: base64url of "date|value|mac", where value is
// the base64url of the ID and mac the HMAC-SHA256 of "name|date|value".
// It builds the value in the pooled buffers and HMAC of a verification,
// so that it allocates only the string it returns.
// TestSignAgreesWithSecureCookie holds it to securecookie's output.
func (v *verifier) sign(id string, now int64) (string, error) {
	if len(id) > maxCookieValue { // its encoding would be longer still; keep the pooled buffers small
		return "", errValueTooLong
	}
	st := v.pool.Get().(*macState)
	defer v.pool.Put(st)
	st.id = append(st.id[:0], id...)
	b := strconv.AppendInt(st.src[:0], now, 10)
	b = append(b, '|')
	b = base64.URLEncoding.AppendEncode(b, st.id)
	h := st.macs[0]
	h.Reset()
	h.Write(v.namePipe)
	h.Write(b)
	st.sum = h.Sum(st.sum[:0])
	b = append(append(b, '|'), st.sum...)
	st.src = b
	st.decoded = base64.URLEncoding.AppendEncode(st.decoded[:0], b)
	if len(st.decoded) > maxCookieValue {
		return "", errValueTooLong
	}
	return string(st.decoded), nil
}

// signNow is sign at the current time, as securecookie reads it.
func (v *verifier) signNow(id string) (string, error) {
	return v.sign(id, time.Now().UTC().Unix())
}
