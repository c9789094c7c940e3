-- Apply stored (PostgreSQL) status changes to the mirror, newest version wins, and broadcast them.
-- A unit leaving AVAILABLE loses any lock on it. ARGV: 1 maxlen, 2 lockPrefix, 3 heldPrefix,
-- 4 JSON array of {unitId, status, version, price?, deal?}. Returns {seqs, revoked}: the seq of each
-- item (0 when the mirror already had that version or newer) and, flat, unitId, holderId, token of
-- every lock the change revoked (a lock taken between a manager's check and the commit).
-- Unit transition: stored (the steps PostgreSQL committed: selling/unit-transitions.ts, sql/kaipan_confirm.sql)
local maxlen, lockPrefix, heldPrefix = ARGV[1], ARGV[2], ARGV[3]
local items = cjson.decode(ARGV[4])
local now = now_ms()
local seqs = {}
local revoked = {}
for _, it in ipairs(items) do
  local _, curVer = parse_unit(redis.call('HGET', K_UNITS, it.unitId))
  if (not curVer) or it.version > curVer then
    local price = ''
    if it.price then price = fmt(it.price) end
    redis.call('HSET', K_UNITS, it.unitId, it.status .. '|' .. fmt(it.version) .. '|' .. price)
    if it.status ~= 'AVAILABLE' then
      local lockKey = lockPrefix .. it.unitId
      local v = redis.call('GET', lockKey)
      if v then
        local l = cjson.decode(v)
        drop_lock(lockKey, it.unitId, l, heldPrefix)
        -- A confirm's own lock (same token) is consumed, not revoked.
        if l.t ~= it.token then
          revoked[#revoked + 1] = it.unitId
          revoked[#revoked + 1] = l.h
          revoked[#revoked + 1] = l.t
        end
      end
    end
    local change = { unitId = it.unitId, status = it.status, at = now }
    if it.price then change.price = it.price end
    if it.deal then change.deal = it.deal end
    seqs[#seqs + 1] = emit_unit(change, maxlen)
  else
    seqs[#seqs + 1] = 0
  end
end
return { seqs, revoked }
