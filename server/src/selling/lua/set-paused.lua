-- Set the paused flag if `version` is newer than the mirror's, and tell every screen.
-- ARGV: 1 '1'|'0', 2 version, 3 maxlen. Returns 1 when applied, 0 when the mirror had it already.
-- Unit transition: none (the project's paused flag)
local _, current = parse_paused(redis.call('GET', K_PAUSED))
if tonumber(ARGV[2]) <= current then return 0 end
redis.call('SET', K_PAUSED, ARGV[1] .. '|' .. ARGV[2])
redis.call('XADD', K_LOG, 'MAXLEN', '~', ARGV[3], '*', 'p', cjson.encode({ paused = ARGV[1] == '1' }))
return 1
