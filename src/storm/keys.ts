/** Redis key names of storm control, all under `<prefix>:storm:`. One place, so tests and ops agree. */
import { createHash } from 'node:crypto';

export function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export const HOUR_MS = 3_600_000;

export class StormKeys {
  constructor(private readonly prefix: string) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'storm', ...parts].join(':');
  }

  dedup(number: string, textHash: string): string {
    return this.key('dedup', number, textHash);
  }
  lastSent(number: string, alertHash: string): string {
    return this.key('last', number, alertHash);
  }
  problemSent(number: string, alertHash: string): string {
    return this.key('firing', number, alertHash);
  }
  burst(number: string): string {
    return this.key('burst', number);
  }
  held(number: string): string {
    return this.key('held', number);
  }
  heldSeq(number: string): string {
    return this.key('seq', number);
  }
  due(): string {
    return this.key('due');
  }
  sent(number: string, hour: number): string {
    return this.key('sent', number, String(hour));
  }
  suppressed(number: string, hour: number): string {
    return this.key('capped', number, String(hour));
  }
  lock(member: string): string {
    return this.key('lock', member);
  }
  /** The summary being sent for a number: its id and how many held entries it covers. */
  batch(number: string): string {
    return this.key('batch', number);
  }
}

/** Members of the due set: which summary is due for which number. */
export function burstMember(number: string): string {
  return `burst|${number}`;
}
export function capMember(number: string, hour: number): string {
  return `cap|${number}|${hour}`;
}
export function parseMember(member: string): { kind: 'burst' | 'cap'; number: string; hour: number } | undefined {
  const [kind, number, hour] = member.split('|');
  if ((kind !== 'burst' && kind !== 'cap') || number === undefined || number === '') return undefined;
  return { kind, number, hour: Number(hour ?? 0) };
}
