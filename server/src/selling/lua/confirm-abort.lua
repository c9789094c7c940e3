-- Undo confirm-begin after PostgreSQL refused: the lock keeps its original expiry.
-- ARGV: 1 unitId, 2 token, 3 lockPrefix.
-- Unit transition: none (the confirming mark comes off the lock)
local unitId, token, lockPrefix = ARGV[1], ARGV[2], ARGV[3]
local lockKey = lockPrefix .. unitId
local v = redis.call('GET', lockKey)
if not v then return 'GONE' end
local l = cjson.decode(v)
if l.t ~= token then return 'GONE' end
l.c = nil
local now = now_ms()
local remaining = l.e - now
if remaining <= 0 then
  -- Lapsed meanwhile: let the sweeper broadcast it like any expiry.
  redis.call('SET', lockKey, cjson.encode(l), 'PX', 1)
  redis.call('ZADD', K_LOCKEXP, now, lock_member(unitId, l))
else
  redis.call('SET', lockKey, cjson.encode(l), 'PX', remaining)
  redis.call('ZADD', K_LOCKEXP, l.e, lock_member(unitId, l))
end
return 'RESTORED'
