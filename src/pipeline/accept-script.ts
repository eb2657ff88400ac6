/**
 * The intake's one Redis command per mail: storm control's decision for every recipient, then the
 * transaction's record with each recipient's state (queued, held or suppressed) — where these were
 * two commands and two round trips, one after the other. The two Lua functions stay with their
 * owners (storm/script.ts, delivery/status-scripts.ts); this file only puts them together.
 *
 * KEYS: the record's keys (transaction hash, its recipient set, one hash per recipient), then 9
 *       per storm decision (one per recipient, in the same order, when storm control is on), then
 *       each recipient's concatenation-reference counter (concat-refs.ts).
 * ARGV: 1 recipients n, 2 storm decisions (0 when storm control is off, else n), 3-5 the record's
 *       arguments, then 14 per storm decision, then each counter's seed.
 * Returns {action, reason, flushAt} per decision, flattened, then each recipient's reference (0
 * for one not sent now).
 */
import type { Redis } from 'ioredis';
import { RECORD_ACCEPTED_FUNCTION } from '../delivery/status-scripts.js';
import { DECIDE_FUNCTION } from '../storm/script.js';
import { NEXT_CONCAT_REF_FUNCTION } from './concat-refs.js';

/** Epoch ms → the string Date#toISOString gives, in Lua (Redis has no os.date). */
export const ISO_FUNCTION = `
local function iso(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local rem = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    math.floor(rem / 3600), math.floor((rem % 3600) / 60), rem % 60, ms - s * 1000)
end
`;

const ACCEPT_SCRIPT = `${DECIDE_FUNCTION}
${RECORD_ACCEPTED_FUNCTION}
${ISO_FUNCTION}
${NEXT_CONCAT_REF_FUNCTION}
local n = tonumber(ARGV[1])
local calls = tonumber(ARGV[2])
local recordKeys = {}
for i = 1, 2 + n do recordKeys[i] = KEYS[i] end
local results = {}
local extra = {}
for c = 1, calls do
  local k, a = {}, {}
  for j = 1, 9 do k[j] = KEYS[2 + n + (c - 1) * 9 + j] end
  for j = 1, 14 do a[j] = ARGV[5 + (c - 1) * 14 + j] end
  -- The same job seen before (the sender retrying after a 451): the record outlives storm
  -- control's markers, so a recipient held then stays held (it goes out with its summary, once)
  -- and one already sent in a summary is not sent on its own.
  local rcpt = KEYS[2 + c]
  local seen = redis.call('HMGET', rcpt, 'state', 'finalState', 'summary')
  local prior = seen[1]
  local d
  if prior == 'held' then
    d = {'defer', 'burst', tostring(redis.call('ZSCORE', k[6], a[11]) or a[1])}
  elseif prior == 'summarised' or seen[3] then
    d = {'suppress', 'duplicate', '0'}
  else
    d = stormDecide(k, a)
  end
  -- Suppressed on that attempt, sent on this one: the record must not keep saying suppressed.
  if d[1] == 'send' and seen[2] == 'suppressed' then
    redis.call('HDEL', rcpt, 'finalState', 'storm')
    redis.call('HSET', rcpt, 'state', 'queued')
  end
  results[#results + 1] = d[1]
  results[#results + 1] = d[2]
  results[#results + 1] = d[3]
  if d[1] == 'suppress' then
    extra[c] = { state = 'suppressed', finalState = 'suppressed', storm = d[2] }
  elseif d[1] == 'defer' then
    extra[c] = { state = 'held', storm = d[2] .. ' until ' .. iso(tonumber(d[3])) }
  end
end
recordAccepted(recordKeys, { ARGV[3], ARGV[4], ARGV[5] }, extra)
-- Only for a recipient sent now: one held or suppressed has no SMS of its own to number.
local decided = #results
for i = 1, n do
  local sent = i > calls or results[(i - 1) * 3 + 1] == 'send'
  results[decided + i] = sent and nextConcatRef(KEYS[2 + n + calls * 9 + i], ARGV[5 + calls * 14 + i]) or 0
end
return results
`;

export interface ScriptCall {
  keys: string[];
  args: string[];
}

/**
 * Runs the script; the raw decisions come back in recipient order, [action, reason, flushAt]
 * each, or none when `storm` is empty (storm control off); `concatRefs` has one reference per
 * recipient, in order (`concat`: a counter key and its seed per recipient).
 */
export async function acceptMail(redis: Redis, record: ScriptCall, recipients: number, storm: ScriptCall[], concat: ScriptCall): Promise<{ decisions: unknown[]; concatRefs: number[] }> {
  // Defined on the connection once; ioredis then sends EVALSHA.
  if (!('s2sAcceptMail' in redis)) redis.defineCommand('s2sAcceptMail', { lua: ACCEPT_SCRIPT });
  const keys = [...record.keys, ...storm.flatMap((call) => call.keys), ...concat.keys];
  const args = [String(recipients), String(storm.length), ...record.args, ...storm.flatMap((call) => call.args), ...concat.args];
  const run = (redis as unknown as { s2sAcceptMail(numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown[]> }).s2sAcceptMail;
  const flat = await run.call(redis, keys.length, ...keys, ...args);
  const decisions: unknown[] = [];
  for (let i = 0; i < storm.length * 3; i += 3) decisions.push(flat.slice(i, i + 3));
  return { decisions, concatRefs: flat.slice(storm.length * 3).map(Number) };
}
