/**
 * Joins concatenated parts back into the message a handset would show, so tests can assert on
 * text rather than on segment bytes.
 */
import { decodeGsm7, decodeUcs2 } from '../sms/index.js';
import type { ConcatInfo } from './parts.js';
import type { ReceivedMessage, ReceivedPart } from './types.js';

/**
 * Text from octets by SMPP data_coding (3.4 §5.2.19). Codings we do not model (binary, class-
 * marked) come out as latin1, which keeps every octet visible instead of failing.
 */
export function decodeText(dataCoding: number, body: Buffer): string {
  switch (dataCoding) {
    case 0x00:
      return decodeGsm7(body); // our client sends unpacked septets, one per octet
    case 0x01:
      return body.toString('ascii');
    case 0x08:
      return decodeUcs2(body);
    case 0x03:
    default:
      return body.toString('latin1');
  }
}

interface Group {
  parts: Map<number, ReceivedPart>;
  total: number;
}

/**
 * Incomplete groups kept at most; beyond it the oldest is dropped. A client that never sends a
 * group's last part (or a hostile one) must not grow the simulator's memory without end.
 */
const MAX_PENDING_GROUPS = 10_000;

export class Reassembler {
  private readonly groups = new Map<string, Group>();

  /** Records a part; returns the message when it was the last one missing. */
  add(part: ReceivedPart, concat: ConcatInfo | undefined): ReceivedMessage | undefined {
    if (!concat || concat.total === 1) return toMessage([part]);
    const key = [concat.kind, part.systemId, part.source, part.destination, concat.ref, concat.total].join('|');
    let group = this.groups.get(key);
    if (!group) {
      group = { parts: new Map(), total: concat.total };
      this.groups.set(key, group);
      this.evictOldest();
    }
    // A resent part (client retry after a lost response) replaces the first copy.
    group.parts.set(concat.seq, part);
    if (group.parts.size < group.total) return undefined;
    this.groups.delete(key);
    const ordered = [...group.parts.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
    return toMessage(ordered);
  }

  pendingGroups(): number {
    return this.groups.size;
  }

  clear(): void {
    this.groups.clear();
  }

  private evictOldest(): void {
    if (this.groups.size <= MAX_PENDING_GROUPS) return;
    const oldest = this.groups.keys().next();
    if (!oldest.done) this.groups.delete(oldest.value);
  }
}

/**
 * Decodes the joined bodies rather than each part: a GSM escape or a UTF-16 surrogate pair split
 * across a part boundary then still comes out as one character.
 */
function toMessage(parts: ReceivedPart[]): ReceivedMessage {
  const first = parts[0]!;
  const body = Buffer.concat(parts.map((part) => part.body));
  return {
    destination: first.destination,
    source: first.source,
    text: decodeText(first.dataCoding, body),
    dataCoding: first.dataCoding,
    parts,
  };
}
