-- Shared prelude, prepended to every script of the lock protocol (selling/scripts.ts). Each script
-- names its ARGV and its "Unit transition" (a step of shared/src/unit-status.ts, checked by
-- test/lua-transitions.test.ts) in its header. All keys of one project share the hash tag
-- {projectId}, so a script never crosses a Redis Cluster slot.
-- KEYS: 1 units (hash unitId -> "STATUS|version|price"), 2 ready, 3 paused, 4 seq, 5 fence,
--       6 log (stream of changes), 7 lockexp (zset "unitId|holderId|token" -> expiresAt ms)
local K_UNITS, K_READY, K_PAUSED, K_SEQ, K_FENCE, K_LOG, K_LOCKEXP =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Integers as decimal strings (tostring would print 1e+15 for large doubles).
local function fmt(n)
  return string.format('%.0f', n)
end

local function parse_unit(v)
  if not v then return nil end
  local s, ver, price = string.match(v, '^([^|]*)|([^|]*)|(.*)$')
  return s, tonumber(ver), price
end

-- The paused flag is stored as "flag|version" ('1|7'): an older version never overwrites a newer one.
local function parse_paused(v)
  if not v then return nil, 0 end
  local flag, ver = string.match(v, '^([01])|?(%d*)$')
  return flag == '1', tonumber(ver) or 0
end

local function lock_member(unitId, l)
  return unitId .. '|' .. l.h .. '|' .. l.t
end

local function drop_lock(lockKey, unitId, l, heldPrefix)
  redis.call('DEL', lockKey)
  redis.call('ZREM', K_LOCKEXP, lock_member(unitId, l))
  redis.call('SREM', heldPrefix .. l.h, unitId)
end

-- Append one unit change to the project's log with the next sequence number. The INCR and the
-- XADD happen in the same atomic script as the state change, so log order is seq order.
-- While the mirror is not ready (Redis came back empty) nothing is broadcast: the counters must
-- first be restored above their old values, and the rebuild tells every screen to resync anyway.
local function emit_unit(change, maxlen)
  if redis.call('EXISTS', K_READY) == 0 then return 0 end
  local seq = redis.call('INCR', K_SEQ)
  change.seq = seq
  redis.call('XADD', K_LOG, 'MAXLEN', '~', maxlen, '*', 'u', cjson.encode(change))
  return seq
end
