-- Hold a lock longer (a below-floor price waiting for a manager): the holder's lock, identified by
-- its token, expires no earlier than `untilMs` (never shortened). Broadcast as a LOCKED change with
-- the new expiry so every screen's countdown follows.
-- ARGV: 1 unitId, 2 token, 3 holderId, 4 untilMs (epoch ms), 5 stream maxlen, 6 lockPrefix,
--       7 heldPrefix, 8 regPrefix.
-- Returns {'OK', expiresAtMs, ttlMs} or {'ERR', code}.
-- Unit transition: none (a LOCKED unit stays LOCKED; its new expiry is broadcast)
local unitId, token, holderId = ARGV[1], ARGV[2], ARGV[3]
local untilMs, maxlen = tonumber(ARGV[4]), ARGV[5]
local lockPrefix, heldPrefix, regPrefix = ARGV[6], ARGV[7], ARGV[8]

if redis.call('EXISTS', K_READY) == 0 then return {'ERR', 'MIRROR_MISSING'} end
local lockKey = lockPrefix .. unitId
local v = redis.call('GET', lockKey)
if not v then return {'ERR', 'LOCK_EXPIRED'} end
local l = cjson.decode(v)
if l.t ~= token or l.h ~= holderId then return {'ERR', 'LOCK_EXPIRED'} end
if l.c then return {'ERR', 'CONFLICT'} end

local now = now_ms()
if untilMs > l.e then
  redis.call('ZREM', K_LOCKEXP, lock_member(unitId, l))
  l.e = untilMs
  redis.call('SET', lockKey, cjson.encode(l), 'PX', l.e - now)
  redis.call('ZADD', K_LOCKEXP, l.e, lock_member(unitId, l))
  redis.call('PEXPIRE', heldPrefix .. holderId, l.e - now + 60000)
  if l.r then redis.call('PEXPIRE', regPrefix .. l.r, l.e - now + 60000) end
  emit_unit({ unitId = unitId, status = 'LOCKED',
    lock = { holderId = l.h, holderName = l.n, expiresAt = l.e }, at = now }, maxlen)
end
return {'OK', fmt(l.e), fmt(l.e - now)}
