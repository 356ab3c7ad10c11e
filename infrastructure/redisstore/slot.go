package redisstore

import (
	"strings"

	"github.com/sessionauth/sessionauth/domain"
)

// clusterSlots is the number of hash slots of a Redis cluster.
const clusterSlots = 16384

// idAlphabet is the alphabet of session IDs (unpadded URL-safe base64).
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// sameSlotID returns a fresh session ID whose key, prefix+ID, lies in the
// cluster slot of prefix+old, so that one script may move a session from
// old to the new ID in a cluster too.
//
// When the prefix holds a hash tag, every key has the prefix's slot and any
// fresh ID will do. Otherwise it takes a fresh random ID and searches the
// three characters before the last one for a combination that lands in the
// slot (about 16 000 tries of four CRC steps on average). The other 40
// characters stay random: the new ID keeps at least 238 random bits, and
// what it shares with the old ID is its slot, 14 bits of a hash that
// anyone who sees the cluster's traffic knows anyway. Knowing the old ID
// thus leaves 2^224 candidates for the new one: nothing an attacker can
// use.
func sameSlotID(prefix, old string) string {
	if hasHashTag(prefix) {
		return domain.NewSessionID()
	}
	want := crc16(0, prefix+old) % clusterSlots
	for {
		id := []byte(domain.NewSessionID())
		n := len(id)
		base := crc16(0, prefix+string(id[:n-4]))
		for i := 0; i < len(idAlphabet)*len(idAlphabet)*len(idAlphabet); i++ {
			a, b, c := idAlphabet[i%64], idAlphabet[i/64%64], idAlphabet[i/4096]
			crc := crc16Byte(crc16Byte(crc16Byte(crc16Byte(base, a), b), c), id[n-1])
			if crc%clusterSlots == want {
				id[n-4], id[n-3], id[n-2] = a, b, c
				return string(id)
			}
		}
	}
}

// hasHashTag reports whether every key starting with prefix hashes by a
// tag inside prefix: a "{" followed by a non-empty tag and "}". Session
// IDs hold no braces, so they never change where the tag ends.
func hasHashTag(prefix string) bool {
	open := strings.IndexByte(prefix, '{')
	if open < 0 {
		return false
	}
	return strings.IndexByte(prefix[open+1:], '}') > 0
}

// crc16Table is CRC-16/XMODEM (polynomial 0x1021), the CRC of Redis
// cluster's key slots.
var crc16Table = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()

func crc16Byte(crc uint16, b byte) uint16 {
	return crc<<8 ^ crc16Table[byte(crc>>8)^b]
}

func crc16(crc uint16, s string) uint16 {
	for i := 0; i < len(s); i++ {
		crc = crc16Byte(crc, s[i])
	}
	return crc
}
