-- Set the paused flag and tell every screen. ARGV: 1 '1'|'0', 2 maxlen.
redis.call('SET', K_PAUSED, ARGV[1])
redis.call('XADD', K_LOG, 'MAXLEN', '~', ARGV[2], '*', 'p', cjson.encode({ paused = ARGV[1] == '1' }))
return 1
