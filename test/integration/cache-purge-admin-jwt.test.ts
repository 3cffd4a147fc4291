import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { startStack, type Stack } from '../helpers/stack.js';

// The purge route admits what the rest of the admin API admits: ADMIN_TOKEN, or a JWT with `tessera:admin`.
const JWT_SECRET = 'purge-admin-jwt-secret-of-at-least-32-bytes';
const ADMIN_TOKEN = 'purge-admin-token-0123456789';

describe('POST /admin/cache/purge with a JWT', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET, ADMIN_TOKEN, RESPONSE_CACHE: 'true' } });
  });
  afterAll(() => stack?.close());

  const purge = async (bearer: string) => {
    const res = await fetch(`${stack.url}/admin/cache/purge`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('admits a token with the tessera:admin scope, like the registry routes do', async () => {
    const admin = await signDevToken({ secret: JWT_SECRET, sub: 'ops', scopes: ['tessera:admin'] });
    expect(await purge(admin)).toEqual({ status: 200, body: { purged: 'all' } });
    const registry = await fetch(`${stack.url}/admin/subgraphs`, { headers: { authorization: `Bearer ${admin}` } });
    expect(registry.status).toBe(200);
  });

  it('refuses a valid token without the scope, and a forged one', async () => {
    const user = await signDevToken({ secret: JWT_SECRET, sub: '1', scopes: ['user:email'] });
    expect((await purge(user)).status).toBe(401);
    const forged = await signDevToken({ secret: 'another-secret-of-at-least-32-bytes!!', sub: 'ops', scopes: ['tessera:admin'] });
    expect((await purge(forged)).status).toBe(401);
    expect((await purge(ADMIN_TOKEN)).status).toBe(200);
  });
});
