-- Writes the changes of one session in one atomic step, in work that
-- grows with the changes, not with the session.
-- KEYS[1]  the session's hash
-- ARGV[1]  "create": replace whatever is stored under the key by a new
--          record; "update": change the stored record, and only if it
--          still exists
-- ARGV[2]  time to live in milliseconds
-- ARGV[3]  expiry in Unix milliseconds, kept in the meta field "m"
-- ARGV[4]  size limit in bytes of the merged record (field names without
--          their "v:" prefix, plus values); 0 means none
-- ARGV[5]  n, the number of fields to set
-- ARGV[6]  unused: room for the script's own fields
-- ARGV[7…] n field/value pairs; then the fields to delete
-- Returns 1 when written, 0 when the record to update no longer exists
-- (or is not a hash), and minus the size when the merged record would
-- exceed the limit; in the last two cases nothing is written.
--
-- The size field "s" holds the record's size and "t" the meta field it was
-- written with. A size whose "t" differs from "m" was left behind by a
-- writer that does not keep it (an older version, or an update without a
-- limit, which writes "-"); it is counted afresh from the whole hash,
-- once, and kept from then on.
--
-- Every server call costs far more than the Lua around it, so a save makes
-- three (HMGET, HSET, PEXPIRE). The most common one, a single value
-- changed in a record whose size is kept, takes a path of its own that
-- builds no table at all; the others build one small table and write the
-- meta and size fields from ARGV[1..6], in front of the pairs.
local key, ttl, expiry = KEYS[1], ARGV[2], ARGV[3]
local create, limit, n = ARGV[1] == 'create', tonumber(ARGV[4]), tonumber(ARGV[5])
local first_del, last = 7 + 2 * n, #ARGV
local chunk = 4000 -- even, and within what unpack takes

-- One value set, none deleted, the size kept: read the meta and size
-- fields and the old value, write, refresh. Anything else (the record
-- gone, not a hash, its size to count afresh) goes on to the general path.
if not create and limit > 0 and n == 1 and last == 8 then
  local field, value = ARGV[7], ARGV[8]
  local got = redis.pcall('HMGET', key, 'm', 's', 't', field)
  local size = not got.err and got[1] and got[3] == got[1] and tonumber(got[2])
  if size then
    local old = got[4]
    if old then size = size + #value - #old else size = size + #field - 2 + #value end
    if size > limit then return -size end
    redis.call('HSET', key, 'm', expiry, 's', size, 't', expiry, field, value)
    redis.call('PEXPIRE', key, ttl)
    return 1
  end
end

-- is_wrongtype returns 0 for an error reply that says the key is not a
-- hash, and raises any other.
local function is_wrongtype(reply)
  if string.find(reply.err, 'WRONGTYPE', 1, true) then return 0 end
  return error(reply.err)
end

-- write sets m, s, t and the changed fields (ARGV[1 .. first_del-1]),
-- deletes the deleted ones and, unless told not to, refreshes the TTL;
-- 0 when the key is not a hash. A write that unpack takes at once is three
-- plain calls at most.
local function write(size, refresh)
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] = 'm', expiry, 's', size or '-', 't', expiry
  if last < chunk then
    local r = redis.pcall('HSET', key, unpack(ARGV, 1, first_del - 1))
    if type(r) == 'table' then return is_wrongtype(r) end
    if first_del <= last then redis.call('HDEL', key, unpack(ARGV, first_del, last)) end
  else
    for i = 1, first_del - 1, chunk do
      local r = redis.pcall('HSET', key, unpack(ARGV, i, math.min(i + chunk - 1, first_del - 1)))
      if type(r) == 'table' then return is_wrongtype(r) end
    end
    for i = first_del, last, chunk do
      redis.call('HDEL', key, unpack(ARGV, i, math.min(i + chunk - 1, last)))
    end
  end
  if refresh then redis.call('PEXPIRE', key, ttl) end
  return 1
end

if create then
  redis.call('DEL', key)
  local size = 0
  for i = 7, first_del - 1, 2 do size = size + #ARGV[i] - 2 + #ARGV[i + 1] end
  return write(size, true)
end

if limit == 0 then
  -- No size to check: the TTL's refresh tells whether the record exists.
  if redis.call('PEXPIRE', key, ttl) == 0 then return 0 end
  return write(nil, false)
end

-- One read of the meta and size fields and of the changed fields only.
local fields, j = {'m', 's', 't'}, 4
for i = 7, first_del - 1, 2 do fields[j] = ARGV[i]; j = j + 1 end
for i = first_del, last do fields[j] = ARGV[i]; j = j + 1 end
local got
if #fields <= chunk then
  got = redis.pcall('HMGET', key, unpack(fields))
else
  got = {}
  for i = 1, #fields, chunk do
    local r = redis.pcall('HMGET', key, unpack(fields, i, math.min(i + chunk - 1, #fields)))
    if r.err then got = r; break end
    for _, v in ipairs(r) do got[#got + 1] = v end
  end
end
if got.err then return is_wrongtype(got) end
if not got[1] then return 0 end

local size = got[3] == got[1] and tonumber(got[2])
if not size then
  size = 0
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'v:' then size = size + #flat[i] - 2 + #flat[i + 1] end
  end
end
j = 4
for i = 7, first_del - 1, 2 do
  local old = got[j]
  if old then size = size + #ARGV[i + 1] - #old else size = size + #ARGV[i] - 2 + #ARGV[i + 1] end
  j = j + 1
end
for i = first_del, last do
  local old = got[j]
  if old then size = size - (#ARGV[i] - 2 + #old) end
  j = j + 1
end
if n > 0 and size > limit then return -size end
return write(size, true)
