-- Rebuild the mirror from PostgreSQL rows: merge by version (a newer mirror entry is kept), set the
-- paused flag, start counters above anything issued before if they are missing, mark ready.
-- ARGV: 1 paused '1'|'0', 2 counter floor, 3 JSON array of [unitId, status, version, price|''],
-- 4 stream maxlen.
-- Returns 1 when the counters had to be re-created (Redis had lost them).
local rows = cjson.decode(ARGV[3])
for _, r in ipairs(rows) do
  local _, curVer = parse_unit(redis.call('HGET', K_UNITS, r[1]))
  if (not curVer) or r[3] >= curVer then
    redis.call('HSET', K_UNITS, r[1], r[2] .. '|' .. fmt(r[3]) .. '|' .. r[4])
  end
end
redis.call('SET', K_PAUSED, ARGV[1])
local fresh = redis.call('SET', K_SEQ, ARGV[2], 'NX')
redis.call('SET', K_FENCE, ARGV[2], 'NX')
redis.call('SET', K_READY, '1')
-- Screens holding an older picture (e.g. locks that Redis lost) must fetch a new snapshot.
redis.call('XADD', K_LOG, 'MAXLEN', '~', ARGV[4], '*', 'p',
  cjson.encode({ paused = ARGV[1] == '1', resync = true }))
if fresh then return 1 end
return 0
