-- Notice lapsed locks and broadcast the units as free again. Safe to run from many processes.
-- ARGV: 1 maxlen, 2 lockPrefix, 3 heldPrefix, 4 limit. Returns a flat list unitId, holderId, token
-- for each expiry it broadcast.
-- Unit transition: LOCKED --expire--> AVAILABLE
local maxlen, lockPrefix, heldPrefix, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', K_LOCKEXP, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, member in ipairs(due) do
  local unitId, holder, token = string.match(member, '^([^|]*)|([^|]*)|(.*)$')
  local lockKey = lockPrefix .. unitId
  local v = redis.call('GET', lockKey)
  local l = v and cjson.decode(v)
  local expired = false
  if l and l.t == token then
    if l.c then
      redis.call('ZADD', K_LOCKEXP, now + 1000, member)
    elseif l.e > now then
      redis.call('ZADD', K_LOCKEXP, l.e, member)
    else
      drop_lock(lockKey, unitId, l, heldPrefix)
      expired = true
    end
  else
    redis.call('ZREM', K_LOCKEXP, member)
    if not (l and l.h == holder) then redis.call('SREM', heldPrefix .. holder, unitId) end
    -- When another lock already took the unit, its own change was broadcast; stay silent.
    expired = not l
  end
  if expired then
    local status = parse_unit(redis.call('HGET', K_UNITS, unitId)) or 'AVAILABLE'
    emit_unit({ unitId = unitId, status = status, at = now }, maxlen)
    out[#out + 1] = unitId
    out[#out + 1] = holder
    out[#out + 1] = token
  end
end
return out
