import { BlockList, isIP } from 'node:net';

// Host and address matching, pure (no DNS, no sockets): the registry's URL guard and its
// allowlist, and npm start's loopback check, judge hosts with it.

/** An IPv6 address as 16 bytes (`::` and a trailing dotted quad expanded); undefined if it is not one. */
function ipv6Bytes(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

const quad = (bytes: readonly number[], at: number, xor = 0) => bytes.slice(at, at + 4).map((b) => b ^ xor).join('.');

/**
 * The IPv4 address an IPv6 address carries, in the forms that reach it: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`, and the local-use
 * `64:ff9b:1::/48`), 6to4 (`2002:AABB:CCDD::/16`) and Teredo (`2001:0::/32`, the client's address
 * inverted). Undefined for every other address.
 */
export function embeddedIPv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  if (!b) return undefined;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return quad(b, 12);
  // `::` and `::1` are IPv6's own unspecified and loopback addresses, not compatible forms.
  if (zeros(0, 12) && !zeros(12, 15)) return quad(b, 12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && (zeros(4, 12) || (b[4] === 0 && b[5] === 1))) return quad(b, 12);
  if (b[0] === 0x20 && b[1] === 0x02) return quad(b, 2);
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) return quad(b, 12, 0xff);
  return undefined;
}

/** `[::1]` → `::1`: URL keeps the brackets of IPv6 hosts. */
export const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

/**
 * Does the host match one allowlist entry? Entries: `*` (any host), an exact name or address,
 * `*.example.com` (any subdomain, not the bare domain), or a CIDR such as `10.0.0.0/8` (IP hosts).
 */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
  // An IPv6 literal that carries an IPv4 address is judged as that address: an IPv6 entry never
  // lets `[64:ff9b::a00:1]` reach 10.0.0.1 unless 10.0.0.1 itself is allowed.
  const bare = bareHost(hostname).toLowerCase();
  const host = embeddedIPv4(bare) ?? bare;
  for (const raw of allowedHosts) {
    const entry = bareHost(raw.trim().toLowerCase());
    if (entry === '*' || entry === host) return true;
    if (entry.startsWith('*.') && host.endsWith(entry.slice(1)) && host.length > entry.length - 1) return true;
    const slash = entry.indexOf('/');
    if (slash > 0 && isIP(host)) {
      const network = entry.slice(0, slash);
      const family = isIP(network);
      const prefix = Number(entry.slice(slash + 1));
      if (family !== 0 && family === isIP(host) && Number.isInteger(prefix)) {
        const list = new BlockList();
        list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
        if (list.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
      }
    }
  }
  return false;
}
