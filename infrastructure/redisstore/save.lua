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
-- ARGV[5]  n, the number of fields to set; then n field/value pairs;
--          then the fields to delete
-- Returns 1 when written, 0 when the record to update no longer exists
-- (or is not a hash), and minus the size when the merged record would
-- exceed the limit; in the last two cases nothing is written.
--
-- The size field "s" holds "<size>:<expiry>": the record's size and the
-- meta field it was written with. A size whose expiry differs from "m"
-- was left behind by a writer that does not keep it (an older version,
-- or an update without a limit, which writes "-"); it is counted afresh
-- from the whole hash, once, and kept from then on.
--
-- The fields are written from ARGV itself (ARGV[2..5] become "m", the
-- expiry, "s" and the size), in chunks that unpack can take.
local key, ttl, expiry = KEYS[1], ARGV[2], ARGV[3]
local limit, n = tonumber(ARGV[4]), tonumber(ARGV[5])
local first_set, first_del, last = 6, 6 + 2 * n, #ARGV
local chunk = 4000 -- even, and within what unpack takes

-- is_wrongtype tells a reply that says the key is not a hash; other
-- errors are raised.
local function is_wrongtype(reply)
  if type(reply) ~= 'table' or not reply.err then return false end
  if string.find(reply.err, 'WRONGTYPE', 1, true) then return true end
  return error(reply.err)
end

-- write sets m, s and the changed fields, deletes the deleted ones and,
-- unless expired already, refreshes the TTL; 0 when the key is not a hash.
local function write(size, expired)
  ARGV[2], ARGV[3], ARGV[4], ARGV[5] = 'm', expiry, 's', size and (size .. ':' .. expiry) or '-'
  for i = 2, first_del - 1, chunk do
    if is_wrongtype(redis.pcall('HSET', key, unpack(ARGV, i, math.min(i + chunk - 1, first_del - 1)))) then return 0 end
  end
  for i = first_del, last, chunk do
    redis.call('HDEL', key, unpack(ARGV, i, math.min(i + chunk - 1, last)))
  end
  if not expired then redis.call('PEXPIRE', key, ttl) end
  return 1
end

if ARGV[1] == 'create' then
  redis.call('DEL', key)
  local size = 0
  for i = first_set, first_del - 1, 2 do size = size + #ARGV[i] - 2 + #ARGV[i + 1] end
  return write(size)
end

if limit == 0 then
  -- No size to check: the TTL's refresh tells whether the record exists.
  if redis.call('PEXPIRE', key, ttl) == 0 then return 0 end
  return write(nil, true)
end

-- One read of the meta and size fields and of the changed fields only.
local fields = {'m', 's'}
for i = first_set, first_del - 1, 2 do fields[#fields + 1] = ARGV[i] end
for i = first_del, last do fields[#fields + 1] = ARGV[i] end
local got = {}
for i = 1, #fields, chunk do
  local r = redis.pcall('HMGET', key, unpack(fields, i, math.min(i + chunk - 1, #fields)))
  if is_wrongtype(r) then return 0 end
  if i == 1 then got = r else for _, v in ipairs(r) do got[#got + 1] = v end end
end
if not got[1] then return 0 end

local size, stamp = string.match(got[2] or '', '^(%d+):(%d+)$')
size = tonumber(size)
if not size or stamp ~= got[1] then
  size = 0
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'v:' then size = size + #flat[i] - 2 + #flat[i + 1] end
  end
end
local j = 3
for i = first_set, first_del - 1, 2 do
  if got[j] then size = size - (#ARGV[i] - 2 + #got[j]) end
  size = size + #ARGV[i] - 2 + #ARGV[i + 1]
  j = j + 1
end
for i = first_del, last do
  if got[j] then size = size - (#ARGV[i] - 2 + #got[j]) end
  j = j + 1
end
if n > 0 and size > limit then return -size end
return write(size)
