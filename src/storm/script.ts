/**
 * The decision as one Redis script (a Lua function taking KEYS and ARGV as its arguments, so it
 * can also run inside a larger script), so concurrent intakes for the same number see one
 * consistent order of dedup, cap and burst counting. Keys are passed in (never built inside),
 * values are strings; the result is {action, reason, flushAt}.
 *
 * KEYS: 1 dedup marker, 2 last text sent for the alert, 3 problem-sent marker for the alert,
 *       4 burst counter, 5 held list, 6 due set, 7 hourly sent counter, 8 hourly suppressed
 *       counter, 9 held sequence
 * ARGV: 1 now, 2 text hash, 3 has alert key (1|0), 4 state, 5 dedup ms, 6 burst ms,
 *       7 burst limit, 8 hourly cap, 9 end of this hour, 10 held JSON (without seq),
 *       11 burst due member, 12 cap due member, 13 marker ttl ms, 14 the recipient's job id ('' if none)
 *
 * A send stores its job id in the dedup marker: the marker is the job id while the send counts,
 * and `undone:<job id>` once UNDO_SCRIPT has taken it back. The same job again is the sender
 * retrying after a 451 (the same Message-ID gives the same job id): it is sent ('resend'), never
 * suppressed as its own duplicate nor held for a summary (the first attempt may have reached the
 * queue after all, whose job id then keeps it from going out twice, while a summary would not).
 * An undone marker suppresses nothing else: that message may never have been queued. A held
 * message's marker is `held:<job id>`: its retry is held again without a second entry in the
 * held list, and other messages with the text are suppressed as duplicates of it.
 */
export const DECIDE_FUNCTION = `
local function stormDecide(KEYS, ARGV)
local now = tonumber(ARGV[1])
local hash = ARGV[2]
local hasKey = ARGV[3] == '1'
local state = ARGV[4]
local dedupMs = tonumber(ARGV[5])
local burstMs = tonumber(ARGV[6])
local burstLimit = tonumber(ARGV[7])
local cap = tonumber(ARGV[8])
local hourEnd = tonumber(ARGV[9])
local markerMs = tonumber(ARGV[13])
local jobId = ARGV[14]
local hourTtl = hourEnd - now + 3600000

local marker = redis.call('GET', KEYS[1])
local undone = marker and string.sub(marker, 1, 7) == 'undone:'

local function recordSent()
  redis.call('SET', KEYS[1], jobId ~= '' and jobId or '1', 'PX', dedupMs)
  if hasKey then
    redis.call('SET', KEYS[2], hash, 'PX', markerMs)
    if state == 'problem' then redis.call('SET', KEYS[3], '1', 'PX', markerMs) end
    if state == 'recovery' then redis.call('DEL', KEYS[3]) end
  end
  redis.call('INCR', KEYS[7])
  redis.call('PEXPIRE', KEYS[7], hourTtl)
end

if jobId ~= '' and marker == jobId then
  return {'send', 'resend', '0'}
end
if jobId ~= '' and marker == 'undone:' .. jobId then
  recordSent()
  return {'send', 'resend', '0'}
end
-- Held already: it is in the held list once, and goes out with that summary.
if jobId ~= '' and marker == 'held:' .. jobId then
  local due = redis.call('ZSCORE', KEYS[6], ARGV[11])
  return {'defer', 'burst', tostring(due or now)}
end

-- A recovery of a problem this number was told about always goes out.
if state == 'recovery' and hasKey and redis.call('EXISTS', KEYS[3]) == 1 then
  recordSent()
  return {'send', 'recovery', '0'}
end

-- The same text again, with nothing else said about this alert in between.
if marker and not undone then
  if (not hasKey) or redis.call('GET', KEYS[2]) == hash then
    return {'suppress', 'duplicate', '0'}
  end
end

if cap > 0 and tonumber(redis.call('GET', KEYS[7]) or '0') >= cap then
  local n = redis.call('INCR', KEYS[8])
  redis.call('PEXPIRE', KEYS[8], hourTtl)
  if n == 1 then redis.call('ZADD', KEYS[6], hourEnd, ARGV[12]) end
  return {'suppress', 'cap', '0'}
end

if burstLimit > 0 then
  local n = redis.call('INCR', KEYS[4])
  if n == 1 then redis.call('PEXPIRE', KEYS[4], burstMs) end
  if n > burstLimit then
    local seq = redis.call('INCR', KEYS[9])
    redis.call('PEXPIRE', KEYS[9], markerMs)
    redis.call('RPUSH', KEYS[5], seq .. '|' .. ARGV[10])
    redis.call('PEXPIRE', KEYS[5], markerMs)
    redis.call('SET', KEYS[1], jobId ~= '' and ('held:' .. jobId) or '1', 'PX', dedupMs)
    local ttl = redis.call('PTTL', KEYS[4])
    if ttl < 0 then ttl = burstMs end
    local flushAt = now + ttl
    redis.call('ZADD', KEYS[6], 'NX', flushAt, ARGV[11])
    local due = redis.call('ZSCORE', KEYS[6], ARGV[11])
    return {'defer', 'burst', tostring(due or flushAt)}
  end
end

recordSent()
return {'send', 'new', '0'}
end
`;

/**
 * Ends a burst summary's flush once its SMS is queued, only if the batch is still this one (a
 * flusher that outlived its lock must not trim what another one already sent and trimmed): drops
 * exactly the batch's entries from the held list, forgets the batch, and leaves the number due
 * again after the window (an empty list is then cleared; one held meanwhile gets its summary).
 *
 * KEYS: 1 held list, 2 batch, 3 due set. ARGV: 1 batch JSON, 2 entries, 3 due score, 4 member.
 */
export const FINISH_BATCH_SCRIPT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
redis.call('DEL', KEYS[2])
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[4])
return 1
`;

/** The decision on its own; DECIDE_FUNCTION also runs inside the intake's one script (pipeline/). */
export const DECIDE_SCRIPT = `${DECIDE_FUNCTION}
return stormDecide(KEYS, ARGV)
`;

/**
 * Takes back a send whose SMS could not be queued: the marker becomes `undone:<job id>` (same
 * expiry) and the hourly count goes down, but only while the marker is still this job's, so a
 * second undo or a later message's marker is left alone.
 *
 * KEYS: 1 dedup marker, 2 hourly sent counter. ARGV: 1 job id.
 */
export const UNDO_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[1], 'undone:' .. ARGV[1], 'PX', ttl) end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
`;
