package redisstore

import "encoding/binary"

// Tokens are text of the base64url alphabet, with a few dots (a JWT's
// three parts, a sealed token's prefix). Such a string value is stored in
// six bits per character, three quarters of its length, which is what
// DEFLATE reaches on it too, in a small fraction of the time to inflate
// it: the dots' positions, then the other characters packed four in
// three bytes.
//
// Its compressed form (see pack.go) holds, after the ":", the method
// methodTokens, the number of dots and their positions in the string (as
// uvarints), and the packed characters.
const (
	methodDeflate = 'd'
	methodTokens  = 't'
	// tokenAlphabet are the characters packed in six bits, in order.
	tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// maxTokenDots bounds the dots a packed token may hold.
	maxTokenDots = 8
	// stringTag is the tag of a string value (domain.AppendValue).
	stringTag = 's'
)

// tokenIndex maps a character to its six bits plus one; zero for others.
var tokenIndex = func() (t [256]byte) {
	for i := range len(tokenAlphabet) {
		t[tokenAlphabet[i]] = byte(i + 1)
	}
	return t
}()

// appendTokens appends the packed form of the string value v (its tag
// included) to dst, or reports false when v is no such string.
func appendTokens(dst, v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != stringTag {
		return dst, false
	}
	text := v[1:]
	dots := 0
	for _, c := range text {
		if c == '.' {
			dots++
		} else if tokenIndex[c] == 0 {
			return dst, false
		}
	}
	if dots > maxTokenDots {
		return dst, false
	}
	dst = append(dst, methodTokens)
	dst = binary.AppendUvarint(dst, uint64(dots))
	for i, c := range text {
		if c == '.' {
			dst = binary.AppendUvarint(dst, uint64(i))
		}
	}
	var acc uint32
	bits := 0
	for _, c := range text {
		if c == '.' {
			continue
		}
		acc = acc<<6 | uint32(tokenIndex[c]-1)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits))
		}
	}
	if bits > 0 {
		dst = append(dst, byte(acc<<(8-bits)))
	}
	return dst, true
}

// unpackTokens returns the string value of length n that the packed form
// p (after the method) holds, or false when p is not one.
func unpackTokens(p []byte, n int) ([]byte, bool) {
	dots, k := binary.Uvarint(p)
	if k <= 0 || dots > maxTokenDots || n < 1+int(dots) {
		return nil, false
	}
	p = p[k:]
	var at [maxTokenDots]int
	last := -1
	for i := range int(dots) {
		pos, k := binary.Uvarint(p)
		if k <= 0 || pos >= uint64(n-1) || int(pos) <= last {
			return nil, false
		}
		at[i], last, p = int(pos), int(pos), p[k:]
	}
	chars := n - 1 - int(dots)
	if len(p) != (chars*6+7)/8 {
		return nil, false
	}
	out := make([]byte, n)
	out[0] = stringTag
	var acc uint32
	bits, d, j := 0, 0, 0
	for i := 1; i < n; i++ {
		if d < int(dots) && at[d] == i-1 {
			out[i] = '.'
			d++
			continue
		}
		if bits < 6 {
			acc = acc<<8 | uint32(p[j])
			j++
			bits += 8
		}
		bits -= 6
		out[i] = tokenAlphabet[acc>>bits&63]
	}
	return out, d == int(dots)
}
