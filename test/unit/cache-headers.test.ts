import { describe, expect, it } from 'vitest';
import { clientCacheHeaders } from '../../src/cache/clientCacheHeaders.js';
import { varyVerdict } from '../../src/cache/httpCacheHeaders.js';
import { cacheHintFromHeaders } from '../../src/gateway/cacheControl.js';

const KEYED = new Set(['accept-language', 'x-tenant']);

describe('varyVerdict', () => {
  it.each([
    [undefined, 'shared'],
    ['', 'shared'],
    ['Accept-Language', 'shared'],
    ['accept-language, X-Tenant', 'shared'],
    ['Accept-Encoding, Accept, Content-Type', 'shared'],
    [['accept-language', 'accept-encoding'], 'shared'],
    ['Authorization', 'private'],
    ['accept-language, x-api-key', 'private'],
    ['Cookie', 'private'],
    ['x-user-id', 'private'],
    ['*', 'uncacheable'],
    ['accept-language, *', 'uncacheable'],
    ['Origin', 'uncacheable'],
    ['authorization, x-region', 'uncacheable'],
    [['accept-language', 'x-region'], 'uncacheable'],
  ] as const)('Vary %j → %s', (vary, verdict) => {
    expect(varyVerdict(vary, KEYED)).toBe(verdict);
  });

  it('a header is shared only while the key holds it', () => {
    expect(varyVerdict('accept-language', new Set())).toBe('uncacheable');
  });
});

describe('cacheHintFromHeaders', () => {
  it.each([
    [undefined, undefined, { maxAge: 0 }],
    ['public, max-age=30', undefined, { maxAge: 30, scope: 'PUBLIC' }],
    ['private, max-age=30', undefined, { maxAge: 30, scope: 'PRIVATE' }],
    ['max-age=30, s-maxage=5', undefined, { maxAge: 5 }],
    ['s-maxage=20', undefined, { maxAge: 20 }],
    ['public, max-age=5, s-maxage=60', undefined, { maxAge: 60, scope: 'PUBLIC' }],
    ['private, max-age=5, s-maxage=60', undefined, { maxAge: 5, scope: 'PRIVATE' }],
    ['max-age=5, s-maxage=60', 'Authorization', { maxAge: 5, scope: 'PRIVATE' }],
    ['Public, Max-Age="20"', undefined, { maxAge: 20, scope: 'PUBLIC' }],
    ['public, max-age=30, no-store', undefined, { maxAge: 0, scope: 'PUBLIC' }],
    ['max-age=30, no-cache', undefined, { maxAge: 0 }],
    ['public, max-age=30', 'Accept-Language', { maxAge: 30, scope: 'PUBLIC' }],
    ['public, max-age=30', 'x-user-id', { maxAge: 30, scope: 'PRIVATE' }],
    ['public, max-age=30', 'x-region', { maxAge: 0, scope: 'PUBLIC' }],
    ['public, max-age=30', '*', { maxAge: 0, scope: 'PUBLIC' }],
  ] as const)('Cache-Control %j, Vary %j → %j', (cacheControl, vary, hint) => {
    expect(cacheHintFromHeaders(cacheControl, vary, KEYED)).toEqual(hint);
  });
});

describe('clientCacheHeaders', () => {
  const policy = { maxAge: 30, scope: 'PUBLIC' } as const;
  const keyHeaders = ['accept-language'];

  it.each([
    ['a reusable public answer', { policy, credentialDependent: false }, 'max-age=30, public', ['accept-language']],
    ['one a rule decided on the credential', { policy, credentialDependent: true }, 'max-age=30, private', ['accept-language', 'Authorization', 'x-api-key']],
    ['one a service called private', { policy: { maxAge: 5, scope: 'PRIVATE' }, credentialDependent: false }, 'max-age=5, private', ['accept-language', 'Authorization', 'x-api-key']],
    ['one that may not be reused (errors, a mutation, a service said so)', { policy: null, credentialDependent: true }, 'no-store', []],
  ] as const)('%s', (_name, input, cacheControl, vary) => {
    expect(clientCacheHeaders({ ...input, keyHeaders })).toEqual({ cacheControl, vary });
  });
});
