-- Lock a unit for a consultant. ARGV: 1 unitId, 2 holderId, 3 holderName, 4 ttlMs, 5 maxLocks,
-- 6 stream maxlen, 7 lockPrefix, 8 heldPrefix, 9 registrationId ('' = none), 10 units the
-- registration may still buy (allowed - subscribed, read from PostgreSQL), 11 regPrefix.
-- A lock for a registered buyer counts against their entitlement (机会数) together with their other
-- live locks, atomically: two consultants locking for the same buyer at the same instant cannot both
-- pass. The confirm re-checks it in PostgreSQL (kaipan_confirm), which is final.
-- Returns {'OK', token, expiresAtMs, ttlMs, isNew} or {'ERR', code}.
-- Unit transition: AVAILABLE --lock--> LOCKED
local unitId, holderId, holderName = ARGV[1], ARGV[2], ARGV[3]
local ttl, maxLocks, maxlen = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local lockPrefix, heldPrefix = ARGV[7], ARGV[8]
local regId, regRemaining, regPrefix = ARGV[9] or '', tonumber(ARGV[10] or '0'), ARGV[11] or ''

if redis.call('EXISTS', K_READY) == 0 then return {'ERR', 'MIRROR_MISSING'} end
local status = parse_unit(redis.call('HGET', K_UNITS, unitId))
-- A unit PostgreSQL knows but the mirror lacks (partial loss, or added since the build): rebuild.
if not status then return {'ERR', 'MIRROR_MISSING'} end

local now = now_ms()
local lockKey = lockPrefix .. unitId
local existing = redis.call('GET', lockKey)
if existing then
  local l = cjson.decode(existing)
  if l.h == holderId and not l.c and (l.r or '') == regId then
    -- The same consultant pressing twice gets the lock they already hold.
    return {'OK', l.t, fmt(l.e), fmt(l.e - now), '0'}
  end
  if l.h == holderId then return {'ERR', 'CONFLICT'} end
  return {'ERR', 'LOCK_HELD'}
end
if status == 'NOT_RELEASED' then return {'ERR', 'NOT_RELEASED'} end
if status ~= 'AVAILABLE' then return {'ERR', 'UNIT_NOT_AVAILABLE'} end
if parse_paused(redis.call('GET', K_PAUSED)) then return {'ERR', 'SALES_PAUSED'} end

-- How many units of a set are still locked with lock[field] == value; stale members are removed.
local function count_live(setKey, field, value)
  local n = 0
  for _, other in ipairs(redis.call('SMEMBERS', setKey)) do
    local v = redis.call('GET', lockPrefix .. other)
    if v and cjson.decode(v)[field] == value then
      n = n + 1
    else
      redis.call('SREM', setKey, other)
    end
  end
  return n
end

local heldKey = heldPrefix .. holderId
if count_live(heldKey, 'h', holderId) >= maxLocks then return {'ERR', 'LOCK_LIMIT'} end

local regKey = regPrefix .. regId
if regId ~= '' and count_live(regKey, 'r', regId) >= regRemaining then return {'ERR', 'ENTITLEMENT_EXCEEDED'} end

local token = fmt(redis.call('INCR', K_FENCE))
local exp = now + ttl
local l = { t = token, h = holderId, n = holderName, e = exp }
if regId ~= '' then l.r = regId end
redis.call('SET', lockKey, cjson.encode(l), 'PX', ttl)
redis.call('ZADD', K_LOCKEXP, exp, lock_member(unitId, l))
redis.call('SADD', heldKey, unitId)
redis.call('PEXPIRE', heldKey, ttl + 60000)
if regId ~= '' then
  redis.call('SADD', regKey, unitId)
  redis.call('PEXPIRE', regKey, ttl + 60000)
end
emit_unit({ unitId = unitId, status = 'LOCKED',
  lock = { holderId = holderId, holderName = holderName, expiresAt = exp }, at = now }, maxlen)
return {'OK', token, fmt(exp), fmt(ttl), '1'}
