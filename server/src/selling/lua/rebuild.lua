-- Rebuild the mirror from PostgreSQL rows: merge by version (a newer mirror entry is kept), drop
-- locks on units no longer for sale, apply the paused flag if newer, raise the counters above
-- anything issued before if Redis may have lost them, mark ready.
-- ARGV: 1 paused '1'|'0', 2 paused version, 3 counter floor when the counters may be lost, 4 JSON
-- array of [unitId, status, version, price|''], 5 stream maxlen, 6 lockPrefix, 7 heldPrefix,
-- 8 and 9: floors of the seq and the fence counter that always hold (values known to have been issued).
-- Returns {countersRaised 0|1, entriesChanged}. Screens are told to resync only when something
-- they may hold is no longer true.
--
-- The ready key holds the run id of the Redis server that marked the mirror ready. The same run id
-- means this server has held the counters since: they are intact, and a rebuild (another hub
-- process starting, a periodic check) must not move them — a jump would look like lost changes to
-- every screen and make them all reload at once. A missing key or another run id (Redis restarted,
-- possibly from an append-only file that lost its tail) applies the clock floor.
-- Unit transition: stored (PostgreSQL's statuses, newest version wins)
local runId = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local intact = redis.call('GET', K_READY) == runId
local lostFloor = intact and 0 or tonumber(ARGV[3])
local lockPrefix, heldPrefix = ARGV[6], ARGV[7]
local changed = 0
for _, r in ipairs(cjson.decode(ARGV[4])) do
  local curStatus, curVer = parse_unit(redis.call('HGET', K_UNITS, r[1]))
  if (not curVer) or r[3] > curVer or (r[3] == curVer and curStatus ~= r[2]) then
    redis.call('HSET', K_UNITS, r[1], r[2] .. '|' .. fmt(r[3]) .. '|' .. r[4])
    changed = changed + 1
  end
  if r[2] ~= 'AVAILABLE' then
    local lockKey = lockPrefix .. r[1]
    local v = redis.call('GET', lockKey)
    if v then
      drop_lock(lockKey, r[1], cjson.decode(v), heldPrefix)
      changed = changed + 1
    end
  end
end
local _, pausedVer = parse_paused(redis.call('GET', K_PAUSED))
if tonumber(ARGV[2]) > pausedVer or redis.call('EXISTS', K_PAUSED) == 0 then
  redis.call('SET', K_PAUSED, ARGV[1] .. '|' .. ARGV[2])
  changed = changed + 1
end
-- Counters never go backwards: raise them to the floor if Redis lost (part of) them.
local raised = 0
for i, key in ipairs({ K_SEQ, K_FENCE }) do
  local floor = math.max(lostFloor, tonumber(ARGV[7 + i]))
  local cur = tonumber(redis.call('GET', key) or '0')
  if cur < floor then
    redis.call('SET', key, fmt(floor))
    raised = 1
  end
end
local wasReady = redis.call('EXISTS', K_READY) == 1
redis.call('SET', K_READY, runId)
if raised == 1 or changed > 0 or not wasReady then
  local paused = parse_paused(redis.call('GET', K_PAUSED))
  redis.call('XADD', K_LOG, 'MAXLEN', '~', ARGV[5], '*', 'p', cjson.encode({ paused = paused, resync = true }))
end
return { raised, changed }
