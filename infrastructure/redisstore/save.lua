-- Writes the changes of one session in one atomic step, in work that
-- grows with the changes, not with the session.
-- KEYS[1]  the session's hash
-- KEYS[2]  its big-values hash, in the same slot; KEYS[1] again when the
--          record keeps every value in its own hash
-- ARGV[1]  "create": replace whatever is stored under the key by a new
--          record; "update": change the stored record, and only if it
--          still exists
-- ARGV[2]  time to live in milliseconds
-- ARGV[3]  expiry in Unix milliseconds, kept in the meta field "m"
-- ARGV[4]  size limit in bytes of the merged record (field names without
--          their "v:" prefix, plus values before compression); 0 means none
-- ARGV[5]  n, the number of fields to set in the session's hash
-- ARGV[6]  b, the number of fields to set in the big-values hash
-- ARGV[7…] n field/value pairs, b field/value pairs; then the fields to
--          delete
-- Returns 1 when written, 0 when the record to update no longer exists
-- (or is not a hash), and minus the size when the merged record would
-- exceed the limit; in the last two cases nothing is written.
--
-- A field lives in one of the two hashes: setting it in one deletes it
-- from the other. The flag field "c" marks a record whose big-values hash
-- may exist; without it, the big-values hash is neither read nor written.
-- A compressed value starts with a zero byte and its length before
-- compression, in digits, up to a ":" (see pack.go); the size counts that
-- length.
--
-- The size field "s" holds the record's size and "t" the meta field it was
-- written with. A size whose "t" differs from "m" was left behind by a
-- writer that does not keep it (an older version, or an update without a
-- limit, which writes "-"); it is counted afresh from the whole record,
-- once, and kept from then on.
--
-- Every server call costs far more than the Lua around it. The most common
-- save, a single value changed in a record whose size is kept, takes a
-- path of its own that builds no table at all: three calls (HMGET, HSET,
-- PEXPIRE) for a record without big values.
local key, big, ttl, expiry = KEYS[1], KEYS[2], ARGV[2], ARGV[3]
local create, limit = ARGV[1] == 'create', tonumber(ARGV[4])
local n, b = tonumber(ARGV[5]), tonumber(ARGV[6])
local first_big, first_del, last = 7 + 2 * n, 7 + 2 * (n + b), #ARGV
local split = big ~= key
local chunk = 4000 -- even, and within what unpack takes

-- vlen is the length of a stored value before compression.
local function vlen(v)
  if string.byte(v, 1) == 0 then
    local l = string.match(v, '^%z(%d+):')
    if l then return tonumber(l) end
  end
  return #v
end

-- One value set, none deleted, the size kept: read the meta, size and flag
-- fields and the old value, write, refresh. Anything else (the record
-- gone, not a hash, its size to count afresh) goes on to the general path.
if not create and limit > 0 and n + b == 1 and last == 8 then
  local field, value = ARGV[7], ARGV[8]
  local got = redis.pcall('HMGET', key, 'm', 's', 't', 'c', field)
  local size = not got.err and got[1] and got[3] == got[1] and tonumber(got[2])
  if size then
    local flagged = split and got[4]
    local old, elsewhere = got[5], nil
    if flagged then
      elsewhere = redis.call('HGET', big, field)
      old = old or elsewhere
    end
    if old then size = size + vlen(value) - vlen(old) else size = size + #field - 2 + vlen(value) end
    if size > limit then return -size end
    if b == 1 then
      redis.call('HSET', key, 'm', expiry, 's', size, 't', expiry, 'c', '1')
      if got[5] then redis.call('HDEL', key, field) end
      redis.call('HSET', big, field, value)
    else
      redis.call('HSET', key, 'm', expiry, 's', size, 't', expiry, field, value)
      if elsewhere then redis.call('HDEL', big, field) end
    end
    redis.call('PEXPIRE', key, ttl)
    if flagged or b == 1 then redis.call('PEXPIRE', big, ttl) end
    return 1
  end
end

-- is_wrongtype returns 0 for an error reply that says the key is not a
-- hash, and raises any other.
local function is_wrongtype(reply)
  if string.find(reply.err, 'WRONGTYPE', 1, true) then return 0 end
  return error(reply.err)
end

-- call runs cmd on k with t[from..to], in pieces that unpack takes; it
-- returns the first error reply, or nil.
local function call(cmd, k, t, from, to)
  for i = from, to, chunk do
    local r = redis.pcall(cmd, k, unpack(t, i, math.min(i + chunk - 1, to)))
    if type(r) == 'table' and r.err then return r end
  end
  return nil
end

-- write sets m, s, t (and c, when there are big values) and the changed
-- fields, each in its hash, deletes them from the other hash when flagged
-- says that it may exist, deletes the deleted ones from both, refreshes
-- the big-values hash's TTL and, unless told not to, the session's; 0 when
-- the key is not a hash.
local function write(size, flagged, refresh)
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] = 'm', expiry, 's', size or '-', 't', expiry
  local err = call('HSET', key, ARGV, 1, first_big - 1)
  if err then return is_wrongtype(err) end
  if b > 0 then
    redis.call('HSET', key, 'c', '1')
    err = call('HSET', big, ARGV, first_big, first_del - 1)
    if err then return error(err.err) end
  end
  local from_key, from_big = {}, {}
  if not create then
    for i = first_big, first_del - 1, 2 do from_key[#from_key + 1] = ARGV[i] end
  end
  if flagged then
    for i = 7, first_big - 1, 2 do from_big[#from_big + 1] = ARGV[i] end
  end
  for i = first_del, last do
    from_key[#from_key + 1] = ARGV[i]
    if flagged then from_big[#from_big + 1] = ARGV[i] end
  end
  if #from_key > 0 then call('HDEL', key, from_key, 1, #from_key) end
  if #from_big > 0 then call('HDEL', big, from_big, 1, #from_big) end
  if refresh then redis.call('PEXPIRE', key, ttl) end
  if flagged or b > 0 then redis.call('PEXPIRE', big, ttl) end
  return 1
end

if create then
  redis.call('DEL', key)
  if split then redis.call('DEL', big) end
  local size = 0
  for i = 7, first_del - 1, 2 do size = size + #ARGV[i] - 2 + vlen(ARGV[i + 1]) end
  return write(size, false, true)
end

if limit == 0 then
  -- No size to check: the TTL's refresh tells whether the record exists.
  if redis.call('PEXPIRE', key, ttl) == 0 then return 0 end
  return write(nil, split and redis.call('HEXISTS', key, 'c') == 1, false)
end

-- One read of the meta, size and flag fields and of the changed fields
-- only, in the big-values hash too when the record has one.
local fields = {'m', 's', 't', 'c'}
for i = 7, first_del - 1, 2 do fields[#fields + 1] = ARGV[i] end
for i = first_del, last do fields[#fields + 1] = ARGV[i] end
local function hmget(k)
  local got = {}
  for i = 1, #fields, chunk do
    local r = redis.pcall('HMGET', k, unpack(fields, i, math.min(i + chunk - 1, #fields)))
    if r.err then return r end
    for j = 1, #r do got[#got + 1] = r[j] end
  end
  return got
end
local got = hmget(key)
if got.err then return is_wrongtype(got) end
if not got[1] then return 0 end
local flagged = split and got[4] ~= false
if flagged and #fields > 4 then
  local more = hmget(big)
  if more.err then return error(more.err) end
  for j = 5, #fields do got[j] = got[j] or more[j] end
end

local size = got[3] == got[1] and tonumber(got[2])
if not size then
  size = 0
  local function count(k)
    local flat = redis.call('HGETALL', k)
    for i = 1, #flat, 2 do
      if string.sub(flat[i], 1, 2) == 'v:' then size = size + #flat[i] - 2 + vlen(flat[i + 1]) end
    end
  end
  count(key)
  if flagged then count(big) end
end
local j = 5
for i = 7, first_del - 1, 2 do
  local old = got[j]
  if old then size = size + vlen(ARGV[i + 1]) - vlen(old) else size = size + #ARGV[i] - 2 + vlen(ARGV[i + 1]) end
  j = j + 1
end
for i = first_del, last do
  local old = got[j]
  if old then size = size - (#ARGV[i] - 2 + vlen(old)) end
  j = j + 1
end
if n + b > 0 and size > limit then return -size end
return write(size, flagged, true)
