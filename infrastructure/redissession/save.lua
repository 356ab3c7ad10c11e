-- Saves the changes of one session in one step.
-- KEYS[1]  the session's hash
-- ARGV[1]  "create" (a new session) or "update" (only if the hash exists)
-- ARGV[2]  time to live in milliseconds
-- ARGV[3]  expiry in Unix milliseconds, kept in the meta field "m"
-- ARGV[4]  n, the number of fields to set; then n field/value pairs;
--          then the fields to delete.
-- Returns 1 when written, 0 when an updated session no longer exists.
local key = KEYS[1]
if ARGV[1] == 'update' and redis.call('EXISTS', key) == 0 then
  return 0
end
redis.call('HSET', key, 'm', ARGV[3])
local n = tonumber(ARGV[4])
local i = 5
for _ = 1, n do
  redis.call('HSET', key, ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', key, ARGV[i])
  i = i + 1
end
redis.call('PEXPIRE', key, ARGV[2])
return 1
