-- Mark a lock as "confirming" so it cannot lapse or be released while PostgreSQL commits.
-- ARGV: 1 unitId, 2 token, 3 holderId, 4 graceMs, 5 lockPrefix.
-- Returns {'OK', state, registrationId} (the buyer the lock was taken for, '' if none) or {'ERR', code}.
-- Unit transition: none (the lock is marked confirming; the sale itself is kaipan_confirm in PostgreSQL)
local unitId, token, holderId, grace, lockPrefix = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local lockKey = lockPrefix .. unitId
local v = redis.call('GET', lockKey)
if not v then return {'ERR', 'LOCK_EXPIRED'} end
local l = cjson.decode(v)
if l.t ~= token then return {'ERR', 'LOCK_EXPIRED'} end
if l.h ~= holderId then return {'ERR', 'FORBIDDEN'} end
if l.c then return {'OK', 'CONFIRMING', l.r or ''} end
local now = now_ms()
local remaining = l.e - now
if remaining <= 0 then return {'ERR', 'LOCK_EXPIRED'} end
local px = math.max(remaining, grace)
l.c = 1
redis.call('SET', lockKey, cjson.encode(l), 'PX', px)
redis.call('ZADD', K_LOCKEXP, now + px, lock_member(unitId, l))
return {'OK', 'BEGUN', l.r or ''}
