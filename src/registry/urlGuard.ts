import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { TesseraError } from '../errors/codes.js';
import { bareHost, embeddedIPv4, hostAllowed } from './hostMatch.js';

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
