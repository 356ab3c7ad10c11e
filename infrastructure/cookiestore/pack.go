package cookiestore

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// Sessions hold much base64url text: the tokens of a login (a JWT is three
// base64url segments, of JSON and a signature) and values sealed by other
// layers. DEFLATE gets little out of base64 (6 bits of 8), and the cookie
// is base64 again, so pack first turns every long run of base64url
// characters back into its bytes: the JSON inside a token then compresses
// well, and nothing pays the expansion twice. unpack restores the text
// byte for byte.
//
// The packed form is the text with each run replaced by packMark, the
// uvarint length of the decoded bytes (never 0) and the bytes; a packMark
// of the text itself is written packMark, 0.
const (
	packMark   byte = 0xFE
	minPackRun int  = 32
)

var (
	strictURL     = base64.RawURLEncoding.Strict()
	errBadPacking = errors.New("malformed packed record")
)

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func pack(text []byte) []byte { return appendPack(make([]byte, 0, len(text)), text) }

// appendPack appends text packed to out.
func appendPack(out, text []byte) []byte {
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && isBase64URL(text[j]) {
			j++
		}
		if j-i >= minPackRun {
			out = packRun(out, text[i:j])
			i = j
			continue
		}
		if j == i {
			if text[i] == packMark {
				out = append(out, packMark, 0)
			} else {
				out = append(out, text[i])
			}
			j = i + 1
		} else {
			out = append(out, text[i:j]...)
		}
		i = j
	}
	return out
}

// packRun appends run packed, or as it is when it does not decode to the
// same text (a length of 1 mod 4, or stray bits at the end).
func packRun(out, run []byte) []byte {
	n := len(run)
	if n%4 == 1 {
		n-- // the last character goes as it is
	}
	if n == 0 {
		return append(out, run...)
	}
	start := len(out)
	out = append(out, packMark)
	out = binary.AppendUvarint(out, uint64(strictURL.DecodedLen(n)))
	out, err := strictURL.AppendDecode(out, run[:n])
	if err != nil {
		return append(out[:start], run...)
	}
	return append(out, run[n:]...)
}

// unpack reverses pack; limit bounds the text it makes.
func unpack(p []byte, limit int) ([]byte, error) {
	out := make([]byte, 0, 2*len(p))
	for len(p) > 0 {
		i := 0
		for i < len(p) && p[i] != packMark {
			i++
		}
		out, p = append(out, p[:i]...), p[i:]
		if len(p) == 0 {
			break
		}
		n, k := binary.Uvarint(p[1:])
		switch {
		case k <= 0 || n > uint64(len(p)-1-k):
			return nil, errBadPacking
		case n == 0:
			out = append(out, packMark)
		default:
			out = base64.RawURLEncoding.AppendEncode(out, p[1+k:1+k+int(n)])
		}
		p = p[1+k+int(n):]
		if len(out) > limit {
			return nil, errBadPacking
		}
	}
	return out, nil
}
