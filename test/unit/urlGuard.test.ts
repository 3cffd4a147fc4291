import { lookup } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { embeddedIPv4, hostAllowed } from '../../src/registry/hostMatch.js';
import {
  checkSubgraphUrl,
  guardSubgraphUrl,
  isForbiddenAddress,
  refuseForbiddenLookup,
  UrlRefusedError,
  type Resolve,
} from '../../src/registry/urlGuard.js';

const codes = (raw: string, allowed: string[] = ['127.0.0.1', 'localhost', '::1']) => {
  const verdict = checkSubgraphUrl(raw, allowed);
  return verdict.ok ? [] : verdict.errors.map((e) => e.code);
};

const refusedWith = async (promise: Promise<unknown>): Promise<string[]> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UrlRefusedError) return error.errors.map((e) => `${e.code}: ${e.message}`);
    throw error;
  }
  return [];
};

describe('isForbiddenAddress', () => {
  it('refuses link-local, metadata, unspecified and multicast addresses, IPv4-mapped ones too', () => {
    for (const a of ['169.254.169.254', '169.254.0.1', 'fd00:ec2::254', 'fe80::1', '::ffff:169.254.169.254', '0.0.0.0', '100.100.100.200', '224.0.0.1', '::']) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
  });
  it('refuses them written in NAT64, 6to4, Teredo and IPv4-compatible IPv6 forms too', () => {
    const forms = [
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '64:ff9b::169.254.169.254',
      '64:ff9b:1::a9fe:a9fe', // local-use NAT64
      '2002:a9fe:a9fe::1', // 6to4
      '2002:6464:64c8::', // 6to4 of 100.100.100.200
      '::169.254.169.254', // IPv4-compatible
      '::a9fe:a9fe',
      '2001:0:4136:e378:8000:63bf:5601:5601', // Teredo: the client 169.254.169.254, inverted
      '::ffff:0.0.0.0',
    ];
    for (const a of forms) expect(isForbiddenAddress(a), a).toBe(true);
    expect(embeddedIPv4('64:ff9b::a00:1')).toBe('10.0.0.1');
    expect(embeddedIPv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIPv4('::1')).toBeUndefined();
    expect(embeddedIPv4('2001:db8::1')).toBeUndefined();
  });
  it('judges an IPv6 literal that carries an IPv4 address by that address', () => {
    // A private address in NAT64 or 6to4 form is refused unless its IPv4 form is allowed.
    expect(codes('http://[64:ff9b::a00:1]/graphql', ['64:ff9b::/96'])).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://[2002:a00:1::]/graphql', ['2002::/16'])).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://[64:ff9b::a00:1]/graphql', ['10.0.0.0/8'])).toEqual([]);
    expect(codes('http://[::ffff:127.0.0.1]:4001/graphql')).toEqual([]);
    expect(codes('http://[64:ff9b::a9fe:a9fe]/graphql', ['*'])).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
  });
  it('lets ordinary addresses through (the allowlist decides about them)', () => {
    for (const a of ['127.0.0.1', '10.0.0.5', '192.168.1.10', '8.8.8.8', '::1', 'fd00:ec2::253', '169.253.255.255', '169.255.0.0']) {
      expect(isForbiddenAddress(a), a).toBe(false);
    }
  });
  it('treats a non-address as forbidden', () => {
    expect(isForbiddenAddress('metadata.google.internal')).toBe(true);
  });
});

describe('hostAllowed', () => {
  it('matches exact names, subdomain wildcards, CIDRs and *', () => {
    expect(hostAllowed('reviews.svc.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('evilexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('LOCALHOST', ['localhost'])).toBe(true);
    expect(hostAllowed('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(hostAllowed('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(hostAllowed('[::1]', ['::1'])).toBe(true);
    expect(hostAllowed('anything.internal', ['*'])).toBe(true);
    expect(hostAllowed('anything.internal', [])).toBe(false);
  });
});

describe('checkSubgraphUrl', () => {
  it('accepts http and https URLs on allowed hosts', () => {
    expect(codes('http://127.0.0.1:4104/graphql')).toEqual([]);
    expect(codes('https://localhost/graphql')).toEqual([]);
    expect(codes('http://[::1]:4000/')).toEqual([]);
  });
  it('refuses other schemes, metadata addresses even when allowlisted, credentials and unlisted hosts', () => {
    expect(codes('file:///etc/passwd')).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('gopher://127.0.0.1:70/_')).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('ftp://127.0.0.1/')).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://169.254.169.254/', ['*', '169.254.169.254'])).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://[fd00:ec2::254]/', ['*'])).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://user:secret@127.0.0.1/')).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('http://example.com/graphql')).toEqual(['SUBGRAPH_URL_FORBIDDEN']);
    expect(codes('::not a url')).toEqual(['INVALID_SUBGRAPH']);
  });
});

describe('guardSubgraphUrl', () => {
  const resolver = (table: Record<string, string[]>): Resolve => async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('checks every resolved address and returns the first to pin', async () => {
    const guarded = await guardSubgraphUrl('http://svc.example.com:8080/graphql', {
      allowedHosts: ['*.example.com'],
      resolve: resolver({ 'svc.example.com': ['10.0.0.7', '10.0.0.8'] }),
    });
    expect(guarded.address).toEqual({ address: '10.0.0.7', family: 4 });
    expect(guarded.url.port).toBe('8080');
  });

  it('refuses a name that resolves to a forbidden address anywhere in the answer', async () => {
    const errors = await refusedWith(
      guardSubgraphUrl('http://rebind.example.com/', {
        allowedHosts: ['*.example.com'],
        resolve: resolver({ 'rebind.example.com': ['10.0.0.7', '169.254.169.254'] }),
      }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^SUBGRAPH_URL_FORBIDDEN: .*169\.254\.169\.254/);
  });

  it('does not resolve names that the allowlist already refuses', async () => {
    let called = false;
    const errors = await refusedWith(
      guardSubgraphUrl('http://outside.example.org/', {
        allowedHosts: ['*.example.com'],
        resolve: async () => {
          called = true;
          return [];
        },
      }),
    );
    expect(errors[0]).toMatch(/^SUBGRAPH_URL_FORBIDDEN/);
    expect(called).toBe(false);
  });

  it('reports a name that does not resolve as a fetch failure', async () => {
    const errors = await refusedWith(guardSubgraphUrl('http://nowhere.example.com/', { allowedHosts: ['*'], resolve: resolver({}) }));
    expect(errors[0]).toMatch(/^SCHEMA_FETCH_FAILED: .*ENOTFOUND/);
  });
});

describe('refuseForbiddenLookup', () => {
  it('resolves like dns.lookup for ordinary names', async () => {
    const viaGuard = await new Promise<string>((resolve, reject) =>
      refuseForbiddenLookup('localhost', { family: 4 }, (error, address) => (error ? reject(error) : resolve(address as string))),
    );
    const viaDns = await new Promise<string>((resolve, reject) => lookup('localhost', { family: 4 }, (e, a) => (e ? reject(e) : resolve(a))));
    expect(viaGuard).toBe(viaDns);
  });
});
