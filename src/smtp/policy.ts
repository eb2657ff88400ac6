import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Client networks allowed to connect, from CIDR strings (`10.0.0.0/8`, `::1/128`, `192.0.2.7`). */
export function clientNetworks(cidrs: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (remote) => {
    // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d
    const mapped = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    if (isIPv4(mapped)) return list.check(mapped, 'ipv4');
    if (isIPv6(mapped)) return list.check(mapped, 'ipv6');
    return false;
  };
}

/** Envelope sender patterns: `*@example.com`, `alerts@*`, exact addresses. Empty list = anyone. */
export function senderPolicy(patterns: string[]): (address: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(
    (pattern) => new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i'),
  );
  return (address) => regexes.some((re) => re.test(address));
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits `local@domain` at the last '@'; the domain is lower-cased. */
export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const local = address.slice(0, at);
  // A quoted local part ("+4915112345678"@...) is the same mailbox (RFC 5321 4.1.2).
  const unquoted = /^".*"$/.test(local) ? local.slice(1, -1).replace(/\\(.)/g, '$1') : local;
  return { local: unquoted, domain: address.slice(at + 1).toLowerCase().replace(/\.$/, '') };
}
