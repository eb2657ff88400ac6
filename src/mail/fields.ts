/** Header fields as the render stage wants them, shared by both parse paths. */
import type { AddressObject } from 'mailparser';
import { foldLine } from './fold.js';

/** A Message-ID without its angle brackets; undefined when empty. */
export function stripAngles(id: string | undefined): string | undefined {
  const bare = id?.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return bare === undefined || bare === '' ? undefined : bare;
}

/** `Name <address>` per mailbox (unquoted: this text is read on a phone, not parsed again). */
export function addressText(header: AddressObject | undefined): string {
  const parts = (header?.value ?? []).map(({ name, address, group }) => {
    if (group !== undefined) return name;
    if (name !== '' && address !== undefined && address !== '') return `${name} <${address}>`;
    return name !== '' ? name : (address ?? '');
  });
  return foldLine(parts.filter((part) => part !== '').join(', '));
}
