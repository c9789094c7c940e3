-- May one more sign-in attempt of (username, source) be checked now? (server/src/services/login-throttle.ts)
-- KEYS: 1 the throttle hash of (username, source): f = failures in a row (attempts being judged
--       included), t = when the last failure was known (ms), p = attempts still being judged,
--       d = when those are given up on (ms), w = start of the current one-minute window (ms),
--       c = attempts in that window
-- ARGV: 1 memory ms (the hash is forgotten after this long without an attempt), 2 attempts per minute,
--       3 longest time an attempt is judged (ms; a process that died mid-attempt is forgotten after it),
--       4.. the wait (ms) required after n failures in a row for n = 0, 1, 2 …; the last one repeats
--       (server/src/domain/login-throttle.ts loginDelaySchedule)
-- An allowed attempt is counted as a failure at once — a reservation, so concurrent guesses cannot all
-- slip through one free slot; the caller then settles it (login-settle.lua): a failure restarts the wait
-- from the moment it is known, a success clears the failures, an attempt never checked is given back.
-- While an attempt is being judged beyond the free ones, no further one is let through: the wait runs
-- from its failure, which is not known yet (a slow password check — a storm of sign-ins queues the
-- hashes — would otherwise let the next guess through before the previous one failed).
-- Time is Redis' clock, the same for every server process.
-- Returns {1, failures before this attempt} when allowed, {0, ms to wait} when refused.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local key = KEYS[1]
local memory, perMinute, judging = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()

local f = math.max(0, tonumber(redis.call('HGET', key, 'f') or '0'))
local t = tonumber(redis.call('HGET', key, 't') or '0')
local p = math.max(0, tonumber(redis.call('HGET', key, 'p') or '0'))
local d = tonumber(redis.call('HGET', key, 'd') or '0')
local w = tonumber(redis.call('HGET', key, 'w') or '0')
local c = tonumber(redis.call('HGET', key, 'c') or '0')
if now > d then p = 0 end

local steps = #ARGV - 3
local delay = tonumber(ARGV[4 + math.min(f, steps - 1)])
if delay > 0 and p > 0 then return {0, delay} end
if f > 0 and now < t + delay then return {0, t + delay - now} end

if now - w >= 60000 then
  w, c = now, 0
end
if c >= perMinute then return {0, w + 60000 - now} end

redis.call('HSET', key, 'f', f + 1, 't', now, 'p', p + 1, 'd', now + judging, 'w', w, 'c', c + 1)
redis.call('PEXPIRE', key, memory)
return {1, f}
