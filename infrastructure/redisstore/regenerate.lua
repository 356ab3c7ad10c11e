-- Moves one session to a new ID in one atomic step, keeping what
-- concurrent requests saved since it was loaded.
-- KEYS[1]  the session's hash under its old ID
-- KEYS[2]  the hash under its new ID (in a cluster, in the same slot)
-- KEYS[3]  the big-values hash of KEYS[1], KEYS[4] that of KEYS[2]; both
--          KEYS[1] again when the record keeps every value in its own hash
-- ARGV     as for save.lua, without the mode: time to live in
--          milliseconds, expiry in Unix milliseconds, size limit (0 = none),
--          n, b, n field/value pairs to set in the session's hash, b in the
--          big-values hash, the fields to delete
-- Returns 1 when moved, 0 when the old record no longer exists (or is not
-- a hash), and minus the size when the merged record would exceed the
-- limit; in the last two cases nothing is written.
-- With a limit it counts the whole record (a login is rare) and keeps the
-- size fields "s" and "t" as save.lua does; without one it writes "-", so
-- the next limited save counts afresh. A field set in one hash is deleted
-- from the other; the flag "c" marks a record with big values.
local old, new, old_big, new_big = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local split = old_big ~= old
local limit = tonumber(ARGV[3])
local n, b = tonumber(ARGV[4]), tonumber(ARGV[5])
local first_set, first_big, first_del = 6, 6 + 2 * n, 6 + 2 * (n + b)
local size

-- vlen is the length of a stored value before compression (see save.lua).
local function vlen(v)
  if string.byte(v, 1) == 0 then
    local l = string.match(v, '^%z(%d+):')
    if l then return tonumber(l) end
  end
  return #v
end

if redis.call('TYPE', old).ok ~= 'hash' then
  return 0
end
local flagged = split and redis.call('HEXISTS', old, 'c') == 1
if limit > 0 then
  local stored = {}
  size = 0
  local function count(k)
    local flat = redis.call('HGETALL', k)
    for i = 1, #flat, 2 do
      if string.sub(flat[i], 1, 2) == 'v:' then
        stored[flat[i]] = #flat[i] - 2 + vlen(flat[i + 1])
        size = size + stored[flat[i]]
      end
    end
  end
  count(old)
  if flagged then count(old_big) end
  for i = first_set, first_del - 1, 2 do
    size = size - (stored[ARGV[i]] or 0) + #ARGV[i] - 2 + vlen(ARGV[i + 1])
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
if b > 0 then
  redis.call('HSET', old, 'c', '1')
  flagged = true
end
for i = first_set, first_big - 1, 2 do
  redis.call('HSET', old, ARGV[i], ARGV[i + 1])
  if flagged then redis.call('HDEL', old_big, ARGV[i]) end
end
for i = first_big, first_del - 1, 2 do
  redis.call('HSET', old_big, ARGV[i], ARGV[i + 1])
  redis.call('HDEL', old, ARGV[i])
end
for i = first_del, #ARGV do
  redis.call('HDEL', old, ARGV[i])
  if flagged then redis.call('HDEL', old_big, ARGV[i]) end
end
redis.call('RENAME', old, new)
redis.call('PEXPIRE', new, ARGV[1])
if flagged and redis.call('EXISTS', old_big) == 1 then
  redis.call('RENAME', old_big, new_big)
  redis.call('PEXPIRE', new_big, ARGV[1])
end
return 1
