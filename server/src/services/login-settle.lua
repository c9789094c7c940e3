-- Settle an attempt login-attempt.lua let through (server/src/services/login-throttle.ts).
-- KEYS: 1 the throttle hash of (username, source) (fields: login-attempt.lua)
-- ARGV: 1 'failed' (the wait restarts now: from when the failure is known), 'succeeded' (no failures
--       in a row any more; the attempts-per-minute window stays) or 'unchecked' (the password was never
--       judged: the reserved failure is given back)
-- Only while the hash exists: a hash is never left without its expiry.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
if p > 0 then redis.call('HINCRBY', KEYS[1], 'p', -1) end
if ARGV[1] == 'failed' then
  local t = redis.call('TIME')
  redis.call('HSET', KEYS[1], 't', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
elseif ARGV[1] == 'succeeded' then
  redis.call('HDEL', KEYS[1], 'f', 't')
else
  redis.call('HINCRBY', KEYS[1], 'f', -1)
end
return 1
