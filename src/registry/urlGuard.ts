import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { TesseraError } from '../errors/codes.js';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The resolver port: every address a name resolves to. Tests inject their own. */
export type Resolve = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * Addresses never called, whatever the allowlist says: link-local (where cloud metadata services
 * live), the well-known metadata addresses, "this network", multicast and broadcast.
 */
const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local; AWS/GCP/Azure/OpenStack metadata at .169.254
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4');
FORBIDDEN.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
FORBIDDEN.addAddress('255.255.255.255', 'ipv4');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
FORBIDDEN.addAddress('192.0.0.192', 'ipv4'); // Oracle Cloud metadata
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6'); // link-local
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6'); // multicast
FORBIDDEN.addAddress('::', 'ipv6');

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

/**
 * True for addresses Tessera never connects to on behalf of the registry, also when an IPv6
 * address carries one (NAT64, 6to4, Teredo, IPv4-mapped or -compatible): the network translates
 * those to the IPv4 address inside them.
 */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (FORBIDDEN.check(address, family === 6 ? 'ipv6' : 'ipv4')) return true;
  const inner = family === 6 ? embeddedIPv4(address) : undefined;
  return inner !== undefined && FORBIDDEN.check(inner, 'ipv4');
}

/** `[::1]` → `::1`: URL keeps the brackets of IPv6 hosts. */
const bareHost = (hostname: string): string =>
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

/** What the pure check says about a URL before any name is resolved. */
export type UrlVerdict =
  | { readonly ok: true; readonly url: URL; readonly host: string }
  | { readonly ok: false; readonly errors: readonly TesseraError[] };

/** Pure: scheme, credentials, allowlist and literal addresses. Every problem is listed. */
export function checkSubgraphUrl(raw: string, allowedHosts: readonly string[]): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, errors: [new TesseraError('INVALID_SUBGRAPH', `"${raw}" is not a URL.`)] };
  }
  const errors: TesseraError[] = [];
  const forbid = (message: string) => errors.push(new TesseraError('SUBGRAPH_URL_FORBIDDEN', message, { url: raw }));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    forbid(`${url.protocol.slice(0, -1)}: URLs are not allowed; a subgraph URL is http or https.`);
    return { ok: false, errors };
  }
  if (url.username || url.password) forbid('A subgraph URL must not carry credentials.');
  const host = bareHost(url.hostname);
  if (isIP(host) && isForbiddenAddress(host)) forbid(`${host} is a link-local or metadata address and is never called.`);
  else if (!hostAllowed(host, allowedHosts)) {
    forbid(`Host "${host}" is not in REGISTRY_ALLOWED_HOSTS (${allowedHosts.join(', ') || 'empty'}).`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, url, host };
}

/** A URL that passed every check, with the address it was checked against. */
export interface GuardedUrl {
  readonly url: URL;
  readonly address: ResolvedAddress;
}

export interface GuardOptions {
  readonly allowedHosts: readonly string[];
  readonly resolve?: Resolve;
}

/**
 * Checks a subgraph URL, then resolves its host and checks every address it resolves to: one
 * forbidden address refuses the URL, since a later lookup could return it.
 */
export async function guardSubgraphUrl(raw: string, { allowedHosts, resolve = systemResolve }: GuardOptions): Promise<GuardedUrl> {
  const verdict = checkSubgraphUrl(raw, allowedHosts);
  if (!verdict.ok) throw new UrlRefusedError(verdict.errors);
  const { url, host } = verdict;
  const family = isIP(host);
  if (family !== 0) return { url, address: { address: host, family: family === 6 ? 6 : 4 } };
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new UrlRefusedError([
      new TesseraError('SCHEMA_FETCH_FAILED', `Could not resolve "${host}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`),
    ]);
  }
  const forbidden = addresses.filter((a) => isForbiddenAddress(a.address));
  if (forbidden.length > 0) {
    throw new UrlRefusedError([
      new TesseraError(
        'SUBGRAPH_URL_FORBIDDEN',
        `"${host}" resolves to ${forbidden.map((a) => a.address).join(', ')}, a link-local or metadata address that is never called.`,
        { url: raw },
      ),
    ]);
  }
  const first = addresses[0];
  if (!first) throw new UrlRefusedError([new TesseraError('SCHEMA_FETCH_FAILED', `"${host}" resolves to no address.`)]);
  return { url, address: first };
}

export class UrlRefusedError extends Error {
  override readonly name = 'UrlRefusedError';
  constructor(readonly errors: readonly TesseraError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/**
 * A dispatcher that connects only to the checked address, whatever DNS says by the time the
 * socket opens (no DNS rebinding). TLS still verifies the certificate against the host name.
 */
export function pinnedDispatcher({ address, family }: ResolvedAddress): Dispatcher {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Agent({ connect: { lookup: pinned }, connections: 2, keepAliveTimeout: 1_000 });
}

/**
 * A `lookup` for socket options that resolves as usual but fails on forbidden addresses: for a
 * dispatcher that calls registered URLs after publish, where DNS may have changed since the check.
 */
export const refuseForbiddenLookup: LookupFunction = (hostname, options, callback) => {
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
  systemResolve(hostname).then(
    (addresses) => {
      const allowed = addresses.filter((a) => !isForbiddenAddress(a.address) && (!family || family === a.family));
      if (allowed.length === 0) {
        const error: NodeJS.ErrnoException = new Error(`${hostname} resolves only to forbidden addresses`);
        error.code = 'ENOTFOUND';
        return callback(error, '', 4);
      }
      if (options.all) callback(null, allowed.map((a) => ({ address: a.address, family: a.family })));
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, '', 4),
  );
};
