-- Compare-and-delete a lock. ARGV: 1 unitId, 2 token, 3 actorId, 4 force ('1' lets a manager
-- release another's lock), 5 maxlen, 6 lockPrefix, 7 heldPrefix, 8 releasedPrefix.
-- A repeated release of the same token answers OK (idempotent) for ten minutes.
-- Unit transition: LOCKED --unlock--> AVAILABLE
local unitId, token, actorId, force, maxlen = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local lockPrefix, heldPrefix, relPrefix = ARGV[6], ARGV[7], ARGV[8]
local lockKey = lockPrefix .. unitId
local relKey = relPrefix .. token

local v = redis.call('GET', lockKey)
local l = v and cjson.decode(v)
if not l or l.t ~= token then
  if redis.call('EXISTS', relKey) == 1 then return {'OK', 'ALREADY', ''} end
  return {'ERR', 'LOCK_EXPIRED'}
end
if l.h ~= actorId and force ~= '1' then return {'ERR', 'FORBIDDEN'} end
if l.c then return {'ERR', 'CONFLICT'} end

drop_lock(lockKey, unitId, l, heldPrefix)
redis.call('SET', relKey, '1', 'EX', 600)
local status = parse_unit(redis.call('HGET', K_UNITS, unitId)) or 'AVAILABLE'
emit_unit({ unitId = unitId, status = status, at = now_ms() }, maxlen)
return {'OK', 'RELEASED', l.h}
