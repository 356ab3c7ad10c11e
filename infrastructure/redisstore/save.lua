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
local key, ttl, expiry = KEYS[1], ARGV[2], ARGV[3]
local limit, n = tonumber(ARGV[4]), tonumber(ARGV[5])
local first_set, first_del = 6, 6 + 2 * n
local chunk = 4000 -- even, and within what unpack takes

-- call runs cmd on key with the arguments in list (field/value pairs
-- stay together), in chunks; it returns the joined replies, or nil when
-- the key is not a hash.
local function call(cmd, list)
  local out = {}
  for i = 1, #list, chunk do
    local r = redis.pcall(cmd, key, unpack(list, i, math.min(i + chunk - 1, #list)))
    if type(r) == 'table' and r.err then
      if string.find(r.err, 'WRONGTYPE', 1, true) then return nil end
      return error(r.err)
    end
    if type(r) == 'table' then
      for _, v in ipairs(r) do out[#out + 1] = v end
    end
  end
  return out
end

local function length(field, value)
  if not value then return 0 end
  return #field - 2 + #value
end

-- counted is the size of the v: fields of the whole hash.
local function counted()
  local flat, size = redis.call('HGETALL', key), 0
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'v:' then size = size + length(flat[i], flat[i + 1]) end
  end
  return size
end

-- write sets m, s (as unknown without size) and the changed fields,
-- deletes the deleted ones and, unless expired already, refreshes the TTL.
local function write(size, expired)
  local set, del = {'m', expiry, 's', size and (size .. ':' .. expiry) or '-'}, {}
  for i = first_set, first_del - 1 do set[#set + 1] = ARGV[i] end
  for i = first_del, #ARGV do del[#del + 1] = ARGV[i] end
  if not call('HSET', set) then return 0 end
  if #del > 0 then call('HDEL', del) end
  if not expired then redis.call('PEXPIRE', key, ttl) end
  return 1
end

if ARGV[1] == 'create' then
  redis.call('DEL', key)
  local size = 0
  for i = first_set, first_del - 1, 2 do size = size + length(ARGV[i], ARGV[i + 1]) end
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
for i = first_del, #ARGV do fields[#fields + 1] = ARGV[i] end
local got = call('HMGET', fields)
if not got or not got[1] then return 0 end
local size, stamp = string.match(got[2] or '', '^(%d+):(%d+)$')
size = tonumber(size)
if not size or stamp ~= got[1] then size = counted() end
local j = 3
for i = first_set, first_del - 1, 2 do
  size = size - length(ARGV[i], got[j]) + length(ARGV[i], ARGV[i + 1])
  j = j + 1
end
for i = first_del, #ARGV do
  size = size - length(ARGV[i], got[j])
  j = j + 1
end
if n > 0 and size > limit then return -size end
return write(size)
