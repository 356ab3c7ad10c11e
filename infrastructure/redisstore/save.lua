-- Writes the changes of one session in one atomic step.
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
local key = KEYS[1]
local limit = tonumber(ARGV[4])
local n = tonumber(ARGV[5])
local first_set, first_del = 6, 6 + 2 * n

if ARGV[1] == 'create' then
  redis.call('DEL', key)
elseif redis.call('TYPE', key).ok ~= 'hash' then
  return 0
elseif limit > 0 and n > 0 then
  -- The record may hold fields that concurrent saves wrote since this
  -- session was loaded: measure what it holds and what it will hold.
  local stored, size = {}, 0
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'v:' then
      stored[flat[i]] = #flat[i] - 2 + #flat[i + 1]
      size = size + stored[flat[i]]
    end
  end
  for i = first_set, first_del - 1, 2 do
    size = size - (stored[ARGV[i]] or 0) + #ARGV[i] - 2 + #ARGV[i + 1]
    stored[ARGV[i]] = nil
  end
  for i = first_del, #ARGV do
    size = size - (stored[ARGV[i]] or 0)
    stored[ARGV[i]] = nil
  end
  if size > limit then
    return -size
  end
end

redis.call('HSET', key, 'm', ARGV[3])
for i = first_set, first_del - 1, 2 do
  redis.call('HSET', key, ARGV[i], ARGV[i + 1])
end
for i = first_del, #ARGV do
  redis.call('HDEL', key, ARGV[i])
end
redis.call('PEXPIRE', key, ARGV[2])
return 1
