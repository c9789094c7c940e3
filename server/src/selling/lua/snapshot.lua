-- A consistent snapshot: seq, paused, ready, unit statuses and live locks, read atomically.
-- ARGV: 1 lockPrefix. Returns {seq, paused, ready, {unitId, value, …}, {unitId, lockJson, …}, nowMs}.
-- Unit transition: none (reads)
local lockPrefix = ARGV[1]
local units = redis.call('HGETALL', K_UNITS)
local locks = {}
local seen = {}
for _, member in ipairs(redis.call('ZRANGE', K_LOCKEXP, 0, -1)) do
  local unitId = string.match(member, '^([^|]*)|')
  if not seen[unitId] then
    seen[unitId] = true
    local v = redis.call('GET', lockPrefix .. unitId)
    if v then
      locks[#locks + 1] = unitId
      locks[#locks + 1] = v
    end
  end
end
local paused = parse_paused(redis.call('GET', K_PAUSED))
local pausedFlag = '0'
if paused then pausedFlag = '1' end
return { redis.call('GET', K_SEQ) or '0', pausedFlag,
  redis.call('EXISTS', K_READY), units, locks, fmt(now_ms()) }
