// Package cookiestore keeps each session sealed in the visitor's own
// cookies, so that instances share sessions with no Redis and no shared
// disk.
//
// A save encodes the whole session (its ID, its values and when it
// expires: the earlier of its idle and its absolute end), packs its
// tokens, compresses it with DEFLATE when that saves a cookie, and seals
// it with AES-256-GCM.
// The key is derived with HKDF-SHA256 from the first configured secret for
// this purpose alone, so the key that signs the session-ID cookie never
// seals; the keys of the previous secrets still open, and a session they
// opened is sealed again with the current key at its next save. The
// sealed value is bound to the cookie's name and to the time it was
// sealed, which the cookie carries in clear: a copy older than the idle
// lifetime is refused before anything is decrypted.
//
// The sealed text is spread over the cookies name, name.1, name.2, … so
// that every Set-Cookie line, attributes included, is at most MaxLine
// (4096) bytes; the first holds the number of chunks. What the cookies add
// to a request's Cookie header is capped (DefaultMaxBytes, 6 KiB, leaves
// room for a site's other cookies under the common 8 KiB limit of a header
// line); a larger session is not saved (domain.ErrSessionTooLarge). A save
// that needs fewer chunks than the request brought expires the rest.
//
// Whatever does not open — a tampered, truncated, reordered, duplicated or
// mixed set of chunks, a chunk count out of bounds, a set larger than the
// cap, another name's or another key's cookie, an expired copy — is an
// unknown cookie: LoadCookies answers domain.ErrSessionNotFound and the
// visitor gets a new session. The work a request can cause is bounded by
// the cap.
//
// What a cookie cannot do alone: the server holds no copy, so a copy of
// the cookies keeps working until its lifetimes run out, unless
// Options.Revocation remembers the IDs of ended sessions (a logout, the
// old ID at a login, Delete). WithIndex offers the revocation store's
// domain.SessionIndex, and Options.ServerCopy keeps the values a list of a
// user's sessions reads there too, so that Load by ID finds them: the
// back-channel logout and the sessions page then end other browsers'
// sessions. Without revocation they say they cannot, and Delete answers
// ErrNoServerState. Of two parallel requests that change the session, the
// last response's cookies win whole.
package cookiestore
