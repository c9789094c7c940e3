-- May one more sign-in attempt of (username, source) be checked now? (server/src/services/login-throttle.ts)
-- KEYS: 1 the throttle hash of (username, source): f = failures in a row, t = time of the last one (ms),
--       w = start of the current one-minute window (ms), c = attempts in that window
-- ARGV: 1 memory ms (the hash is forgotten after this long without an attempt), 2 attempts per minute,
--       3.. the wait (ms) required after n failures in a row for n = 0, 1, 2 …; the last one repeats
--       (server/src/domain/login-throttle.ts loginDelaySchedule)
-- An allowed attempt is counted as a failure at once — a reservation, so concurrent guesses cannot all
-- slip through one free slot; the caller clears the failures on success, or gives the failure back
-- when the password was never checked. Time is Redis' clock, the same for every server process.
-- Returns {1, failures before this attempt} when allowed, {0, ms to wait} when refused.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local key = KEYS[1]
local memory, perMinute = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()

local f = math.max(0, tonumber(redis.call('HGET', key, 'f') or '0'))
local t = tonumber(redis.call('HGET', key, 't') or '0')
local w = tonumber(redis.call('HGET', key, 'w') or '0')
local c = tonumber(redis.call('HGET', key, 'c') or '0')

local steps = #ARGV - 2
local delay = tonumber(ARGV[3 + math.min(f, steps - 1)])
if f > 0 and now < t + delay then return {0, t + delay - now} end

if now - w >= 60000 then
  w, c = now, 0
end
if c >= perMinute then return {0, w + 60000 - now} end

redis.call('HSET', key, 'f', f + 1, 't', now, 'w', w, 'c', c + 1)
redis.call('PEXPIRE', key, memory)
return {1, f}
