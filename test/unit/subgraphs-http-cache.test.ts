import { describe, expect, it } from 'vitest';
import { cacheKey, cachePolicy } from '../../src/subgraphs/rest/httpCache.js';

describe('cachePolicy', () => {
  it.each([
    ['public, max-age=60', undefined, { scope: 'public', ttlSeconds: 60 }],
    ['private, max-age=30', undefined, { scope: 'private', ttlSeconds: 30 }],
    ['max-age=10', undefined, { scope: 'public', ttlSeconds: 10 }],
    ['public, max-age=60, s-maxage=5', undefined, { scope: 'public', ttlSeconds: 5 }],
    ['private, max-age=30, s-maxage=300', undefined, { scope: 'private', ttlSeconds: 30 }],
    ['Public, Max-Age="20"', undefined, { scope: 'public', ttlSeconds: 20 }],
    ['public, max-age=60', '15', { scope: 'public', ttlSeconds: 45 }],
  ] as const)('%s (age %s) → %j', (header, age, expected) => {
    expect(cachePolicy(header, age)).toEqual(expected);
  });

  it.each([
    [undefined, undefined],
    ['no-store', undefined],
    ['public, max-age=60, no-cache', undefined],
    ['public', undefined],
    ['max-age=0', undefined],
    ['max-age=abc', undefined],
    ['max-age=60', '60'],
  ])('%s (age %s) is not stored', (header, age) => {
    expect(cachePolicy(header, age)).toBeUndefined();
  });
});

describe('cachePolicy and Vary', () => {
  it.each([
    [undefined, { scope: 'public', ttlSeconds: 60 }],
    ['Accept-Encoding, accept', { scope: 'public', ttlSeconds: 60 }],
    ['Authorization', { scope: 'private', ttlSeconds: 60 }],
    ['accept-encoding, x-user-id', { scope: 'private', ttlSeconds: 60 }],
    ['Accept-Language', undefined],
    ['*', undefined],
    ['authorization, x-tenant', undefined],
  ] as const)('public, max-age=60 with Vary %s → %j', (vary, expected) => {
    expect(cachePolicy('public, max-age=60', undefined, vary)).toEqual(expected);
  });
});

describe('cacheKey', () => {
  const url = 'http://users:4101/users?ids=1,2';

  it('shares public entries between viewers', () => {
    expect(cacheKey('public', url, 'alice')).toBe(cacheKey('public', url, 'bob'));
    expect(cacheKey('public', url, undefined)).toBe(`rest:public:${url}`);
  });

  it('keys private entries by viewer, and never stores them for the anonymous viewer', () => {
    expect(cacheKey('private', url, 'alice')).not.toBe(cacheKey('private', url, 'bob'));
    expect(cacheKey('private', url, 'a:b')).toBe(`rest:private:a%3Ab:${url}`);
    expect(cacheKey('private', url, undefined)).toBeUndefined();
  });
});
