/**
 * The benchmark's mail. Every message gets its own German mobile number (+49151 and 8 digits,
 * "possible" for libphonenumber) and its own Message-ID, so none is deduplicated by the relay and
 * each SMS at the simulator names its message by its destination.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mail } from '../test/helpers/smtp-session.js';
import type { Outgoing } from './load.js';

const runTag = randomUUID().slice(0, 8);
const numberBase = randomInt(10_000_000, 50_000_000);
let sequence = 0;

export interface MessageSet {
  make(index: number): Outgoing;
  /** The destination as the simulator records it: E.164 digits without '+'. */
  digits(index: number): string;
}

/** A fresh set of n messages whose numbers no earlier set in this process used. */
export function messageSet(n: number): MessageSet {
  const base = sequence;
  sequence += n;
  const digits = (index: number) => `49151${numberBase + base + index}`;
  return {
    digits,
    make: (index) => {
      const to = `+${digits(index)}@sms.localhost`;
      const raw = mail(
        { From: 'monitor@example.com', To: to, Subject: `bench alert ${index}`, 'Message-ID': `<${runTag}.${base + index}@bench.localhost>`, Date: new Date().toUTCString() },
        `CPU load 97% on db-${index % 100}, disk /var at 91%. Run ${runTag}, message ${index}.`,
      );
      return { from: 'monitor@example.com', to, raw };
    },
  };
}
