import { describe, expect, it } from 'vitest';
import { ANONYMOUS, apiKeyViewer, userViewer } from '../../src/auth/viewer.js';
import { identityOf, parseBudget, profileOf, requestLimitFor } from '../../src/ratelimit/clientLimits.js';

describe('client limits', () => {
  it('counts a viewer in its credential namespace, anyone else by IP', () => {
    expect(identityOf(userViewer('7'), '10.0.0.1')).toBe('user:7');
    expect(identityOf(apiKeyViewer('7'), '10.0.0.1')).toBe('apikey:7');
    // A token without sub (client credentials) has no identity of its own.
    expect(identityOf(userViewer(undefined), '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(identityOf(ANONYMOUS, '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it("a profile is chosen by the credential's client, by the header only where the profile allows it", () => {
    const limits = { profiles: { export: { max: 5, windowS: 60 }, web: { max: 100, windowS: 60, fromHeader: true } } };
    expect(profileOf(limits, 'export', undefined)).toBe('export');
    expect(profileOf(limits, undefined, 'export')).toBeUndefined();
    expect(profileOf(limits, undefined, 'web')).toBe('web');
    expect(profileOf(limits, 'export', 'web')).toBe('export');
    expect(profileOf(limits, 'unknown', 'toString')).toBeUndefined();
    expect(profileOf({}, 'export', 'web')).toBeUndefined();
  });

  it('chooses the client profile, else the default, else none', () => {
    const limits = { default: { max: 100, windowS: 60 }, profiles: { mobile: { max: 5, windowS: 1 } } };
    expect(requestLimitFor(limits, 'mobile')).toMatchObject({ name: 'request:mobile', max: 5, windowS: 1 });
    expect(requestLimitFor(limits, 'web')).toMatchObject({ name: 'request', max: 100, windowS: 60 });
    expect(requestLimitFor({}, 'web')).toBeUndefined();
  });

  it('parses budgets and names a bad one', () => {
    expect(parseBudget('100/60s')).toEqual({ max: 100, windowS: 60 });
    expect(parseBudget('5000/1h')).toEqual({ max: 5000, windowS: 3600 });
    expect(parseBudget('10/2m')).toEqual({ max: 10, windowS: 120 });
    expect(() => parseBudget('lots')).toThrow(/"lots"/);
    expect(() => parseBudget('0/1s')).toThrow(/max/);
  });
});
