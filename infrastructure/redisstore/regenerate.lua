-- Moves one session to a new ID in one atomic step, keeping what
-- concurrent requests saved since it was loaded.
-- KEYS[1]  the session's hash under its old ID
-- KEYS[2]  the hash under its new ID (in a cluster, in the same slot)
-- ARGV     as for save.lua, without the mode: time to live in
--          milliseconds, expiry in Unix milliseconds, size limit (0 = none),
--          n, n field/value pairs to set, the fields to delete
-- Returns 1 when moved, 0 when the old record no longer exists (or is not
-- a hash), and minus the size when the merged record would exceed the
-- limit; in the last two cases nothing is written.
-- With a limit it counts the whole record (a login is rare) and keeps the
-- size fields "s" and "t" as save.lua does; without one it writes "-", so
-- the next limited save counts afresh.
local old, new = KEYS[1], KEYS[2]
local limit = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local first_set, first_del = 5, 5 + 2 * n
local size

if redis.call('TYPE', old).ok ~= 'hash' then
  return 0
end
if limit > 0 then
  local stored = {}
  size = 0
  local flat = redis.call('HGETALL', old)
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

redis.call('HSET', old, 'm', ARGV[2], 's', size or '-', 't', ARGV[2])
for i = first_set, first_del - 1, 2 do
  redis.call('HSET', old, ARGV[i], ARGV[i + 1])
end
for i = first_del, #ARGV do
  redis.call('HDEL', old, ARGV[i])
end
redis.call('RENAME', old, new)
redis.call('PEXPIRE', new, ARGV[1])
return 1
