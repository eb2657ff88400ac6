import type { Redis } from 'ioredis';

/**
 * Lua scripts of the status store (EVALSHA after the first use), so a state change is one round
 * trip and can never move a final recipient backwards.
 */
/**
 * The accepted mail's record, as a Lua function so that it can also run inside the intake's one
 * script (pipeline/accept-script.ts) after storm control's decisions: `extra[i]`, when present,
 * adds to or replaces recipient i's "setnx" fields (state held or suppressed, the storm reason).
 */
export const RECORD_ACCEPTED_FUNCTION = `
local function recordAccepted(KEYS, ARGV, extra)
local keep = tonumber(ARGV[1])
-- One HSET per hash with every field, not one per field: each redis.call has its cost.
local function hsetAll(key, fields)
  local flat = {}
  for k, v in pairs(fields) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  if #flat > 0 then redis.call('HSET', key, unpack(flat)) end
end
hsetAll(KEYS[1], cjson.decode(ARGV[2]))
redis.call('EXPIRE', KEYS[1], keep)
local recipients = cjson.decode(ARGV[3])
for i, r in ipairs(recipients) do
  local key = KEYS[i + 2]
  redis.call('SADD', KEYS[2], r.set.jobId)
  hsetAll(key, r.set)
  local nx = r.setnx
  if extra[i] then for k, v in pairs(extra[i]) do nx[k] = v end end
  for k, v in pairs(nx) do redis.call('HSETNX', key, k, v) end
  redis.call('EXPIRE', key, keep)
end
redis.call('EXPIRE', KEYS[2], keep)
return 1
end
`;

const SCRIPTS = {
  /**
   * A submission, for every SMS the relay sends: KEYS[1] recipient hash, KEYS[2] deadline set,
   * KEYS[3..] the carrier-id index keys of the parts; ARGV[1] keep seconds, ARGV[2] job id, ARGV[3]
   * deadline (epoch ms, '' for none), ARGV[4] the recipient fields as JSON, ARGV[5..] each index
   * key's value (`<job id>|<part>[,<part>...]`, same order as KEYS[3..]). Indexes the parts, sets state=submitted and adds the deadline, unless a receipt that raced
   * ahead made it final already. One command, where a MULTI took eight.
   */
  s2sRecordSubmitted: {
    lua: `local keep = tonumber(ARGV[1])
local jobId = ARGV[2]
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', keep) end
local flat = {}
for k, v in pairs(cjson.decode(ARGV[4])) do
  flat[#flat + 1] = k
  flat[#flat + 1] = v
end
redis.call('HSET', KEYS[1], unpack(flat))
redis.call('EXPIRE', KEYS[1], keep)
local f = redis.call('HGET', KEYS[1], 'finalState')
if f and f ~= '' then return 1 end -- a receipt raced ahead: final already, nothing to wait for
redis.call('HSET', KEYS[1], 'state', 'submitted')
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), jobId) end
return 1`,
  },
  /**
   * KEYS[1] recipient hash, KEYS[2] deadline set, KEYS[3] follow-up set; ARGV[1] final state,
   * ARGV[2] job id, ARGV[3] when its follow-up (DSN scheduling) is due for a retry if nobody
   * clears it ('' when no DSN can follow: no entry), then field/value pairs. Returns 1 for the one caller that made the outcome final,
   * 0 otherwise. The follow-up entry is what makes the DSN survive a crash or a Redis error
   * between this and its scheduling: only this caller will ever get here for the job.
   */
  s2sFinalize: {
    numberOfKeys: 3,
    lua: `local f = redis.call('HGET', KEYS[1], 'finalState')
if f and f ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'finalState', ARGV[1], 'state', ARGV[1])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREM', KEYS[2], ARGV[2])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[2]) end
return 1`,
  },
  /**
   * KEYS[1] deadline set; ARGV[1] now, ARGV[2] lease end, ARGV[3] limit. Claims due members by
   * pushing their score to the lease end: a poller that dies mid-way leaves them to be claimed again.
   */
  s2sClaimDue: {
    numberOfKeys: 1,
    lua: `local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], m) end
return due`,
  },
  /**
   * KEYS[1] transaction hash, KEYS[2] its recipient set, KEYS[3..] recipient hashes; ARGV[1] keep
   * seconds, ARGV[2] the transaction fields as JSON, ARGV[3] the recipients as JSON (same order as
   * KEYS[3..]). One command instead of a MULTI of a dozen: this runs for every accepted mail.
   * "setnx" fields keep what a resend finds already in flight (state, storm reason, finalState).
   */
  /**
   * KEYS recipient hashes; ARGV[1] DSN kind, ARGV[2] the DSN task's id, ARGV[3] now, ARGV[4] lease
   * ms. Which recipients this task may report (1-based positions): not reported in this kind yet,
   * not held by another live task of the kind, and, for a delay notice, not final by now (the
   * notice was decided earlier, and a final outcome since makes it false). Taken ones are leased
   * to the task (`<task id>|<until>`, renewed on each of its attempts), so a recipient that ends
   * up in two tasks (a follow-up retried after a Redis error) is reported by one, and by the
   * other if the first is gone for longer than the lease.
   */
  s2sClaimDsn: {
    lua: `local kind = ARGV[1]
local task = ARGV[2]
local now = tonumber(ARGV[3])
local lease = task .. '|' .. (now + tonumber(ARGV[4]))
local mine = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('HGET', key, 'dsnTask:' .. kind)
  local free = true
  if owner then
    local bar = string.find(owner, '|', 1, true)
    local holder = bar and string.sub(owner, 1, bar - 1) or owner
    local untilMs = bar and tonumber(string.sub(owner, bar + 1)) or 0
    free = holder == task or untilMs < now
  end
  local reported = redis.call('HEXISTS', key, 'dsn:' .. kind) == 1
  local final = redis.call('HGET', key, 'finalState')
  local stale = kind == 'delayed' and final and final ~= ''
  if free and not reported and not stale and redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'dsnTask:' .. kind, lease)
    mine[#mine + 1] = i
  end
end
return mine`,
  },
  /**
   * KEYS held recipients' hashes; ARGV[1] the summary's job id, ARGV[2] updatedAt. The link to the
   * summary always; the state only while not final (the summary's outcome may be recorded first).
   * A hash that expired meanwhile is not brought back (without its TTL).
   */
  s2sMarkSummarised: {
    lua: `for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'summary', ARGV[1], 'storm', 'sent in summary ' .. ARGV[1], 'updatedAt', ARGV[2])
    local f = redis.call('HGET', key, 'finalState')
    if not f or f == '' then redis.call('HSET', key, 'state', 'summarised') end
  end
end
return #KEYS`,
  },
  /** KEYS recipient hashes; ARGV[1] DSN kind, ARGV[2] when it was sent. All or none: one script. */
  s2sMarkDsn: {
    lua: `for _, key in ipairs(KEYS) do redis.call('HSET', key, 'dsn:' .. ARGV[1], ARGV[2]) end
return #KEYS`,
  },
  /**
   * KEYS[1] recipient hash; ARGV[1] the parts the receipt stands for ("0" or "0,1,2"), ARGV[2]
   * its state, ARGV[3] updatedAt, then field/value pairs of each part. A progress receipt
   * (accepted: ENROUTE, ACCEPTD) never replaces a part's final state: providers send callbacks
   * out of order and replay them, and a part set back to "accepted" would keep a delivered
   * message from ever being final. Returns the hash as it now stands.
   */
  s2sRecordPartReceipt: {
    numberOfKeys: 1,
    lua: `local progress = ARGV[2] == 'accepted'
for part in string.gmatch(ARGV[1], '[^,]+') do
  local field = 'part:' .. part .. ':'
  local current = redis.call('HGET', KEYS[1], field .. 'state')
  if not (progress and (current == 'delivered' or current == 'failed')) then
    for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], field .. ARGV[i], ARGV[i + 1]) end
    redis.call('HSET', KEYS[1], 'updatedAt', ARGV[3])
  end
end
return redis.call('HGETALL', KEYS[1])`,
  },
  s2sRecordAccepted: {
    lua: `${RECORD_ACCEPTED_FUNCTION}
return recordAccepted(KEYS, ARGV, {})`,
  },
} as const;

export interface StatusScripts {
  s2sRecordSubmitted(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  s2sFinalize(key: string, deadlines: string, finals: string, state: string, jobId: string, retryAt: string, ...fields: string[]): Promise<number>;
  s2sClaimDue(deadlines: string, now: number, leaseEnd: number, limit: number): Promise<string[]>;
  s2sRecordAccepted(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  s2sClaimDsn(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number[]>;
  s2sRecordPartReceipt(key: string, parts: string, state: string, updatedAt: string, ...fields: string[]): Promise<string[]>;
  s2sMarkDsn(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
  s2sMarkSummarised(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number>;
}

export function defineStatusScripts(redis: Redis): Redis & StatusScripts {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    // A script without numberOfKeys takes its key count as the first argument.
    if (!(name in redis)) redis.defineCommand(name, script);
  }
  return redis as Redis & StatusScripts;
}
