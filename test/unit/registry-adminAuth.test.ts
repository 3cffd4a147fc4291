import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAdminAuth } from '../../src/http/admin/adminAuth.js';

const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const TOKEN = 'an-admin-token-of-some-length';

describe('admin auth', () => {
  it('accepts the admin token as a bearer and names the actor', async () => {
    const authorize = createAdminAuth({ token: TOKEN });
    expect(await authorize(request(`Bearer ${TOKEN}`))).toBe('token:admin');
    expect(await authorize(request(`bearer ${TOKEN}`))).toBe('token:admin');
  });

  it('refuses a missing, wrong, prefixed or differently long token', async () => {
    const authorize = createAdminAuth({ token: TOKEN });
    for (const header of [undefined, 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer a']) {
      expect(await authorize(request(header)), String(header)).toBeUndefined();
    }
  });

  it('accepts a JWT only through the hook, and only with the tessera:admin scope', async () => {
    const verifyJwt = async (bearer: string) =>
      bearer === 'a.admin.jwt'
        ? { sub: 'alice', scopes: new Set(['tessera:admin']) }
        : bearer === 'a.reader.jwt'
          ? { sub: 'bob', scopes: new Set(['read']) }
          : undefined;
    const withJwt = createAdminAuth({ token: TOKEN, verifyJwt });
    expect(await withJwt(request('Bearer a.admin.jwt'))).toBe('jwt:alice');
    expect(await withJwt(request('Bearer a.reader.jwt'))).toBeUndefined();
    expect(await withJwt(request('Bearer a.forged.jwt'))).toBeUndefined();
    expect(await createAdminAuth({ token: TOKEN })(request('Bearer a.admin.jwt'))).toBeUndefined();
  });
});
