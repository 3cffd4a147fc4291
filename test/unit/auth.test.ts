import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/apiKeys.js';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { viewerFromClaims } from '../../src/auth/claims.js';
import { authConfigFromEnv } from '../../src/auth/config.js';
import { parseTtl, signDevToken } from '../../src/auth/devToken.js';
import { identityHeaders, viewerFromIdentityHeaders } from '../../src/auth/identityHeaders.js';
import { createTokenVerifier } from '../../src/auth/verifyToken.js';
import { ANONYMOUS, apiKeyViewer } from '../../src/auth/viewer.js';
import { createLogger } from '../../src/observability/logger.js';

const SECRET = 'unit-test-secret-that-is-32-bytes-long';
const env = { JWT_JWKS_COOLDOWN_MS: 30_000, JWT_CLOCK_TOLERANCE_S: 5, PROPAGATE_HEADERS: [] as string[] };
const silent = pino({ level: 'silent' });

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('claims and headers', () => {
  it('maps scope (space-separated) and scopes (array) and the client claim to the viewer', () => {
    const viewer = viewerFromClaims({ sub: '7', scope: 'a b', scopes: ['c'], azp: 'web' });
    expect(viewer).toMatchObject({ sub: '7', client: 'web', authenticated: true });
    expect([...viewer.scopes].sort()).toEqual(['a', 'b', 'c']);
  });

  it('identity headers: none for the anonymous viewer', () => {
    const headers: Record<string, string> = {};
    identityHeaders(ANONYMOUS, headers);
    expect(headers).toEqual({});
    identityHeaders(viewerFromClaims({ sub: '7', scope: 'a b', client_id: 'web' }), headers);
    expect(headers).toEqual({ 'x-user-kind': 'user', 'x-user-id': '7', 'x-user-scopes': 'a b', 'x-user-client': 'web' });
    expect(viewerFromIdentityHeaders(headers)).toEqual(viewerFromClaims({ sub: '7', scope: 'a b', client_id: 'web' }));
  });

  it('an API key and a user with the same id share no namespace: viewer id, headers', () => {
    const user = viewerFromClaims({ sub: '1' });
    const key = apiKeyViewer('1', { scopes: ['catalog:read'], client: 'partner' });
    expect(user).toMatchObject({ kind: 'user', id: 'user:1', sub: '1', apiKey: undefined });
    expect(key).toMatchObject({ kind: 'apikey', id: 'apikey:1', sub: undefined, apiKey: '1' });
    const headers: Record<string, string> = {};
    identityHeaders(key, headers);
    // No x-user-id: a subgraph comparing it with its user ids cannot take the key for user 1.
    expect(headers).toEqual({ 'x-user-kind': 'apikey', 'x-user-api-key': '1', 'x-user-scopes': 'catalog:read', 'x-user-client': 'partner' });
    expect(viewerFromIdentityHeaders(headers)).toEqual(key);
    // A client's own headers without a kind read as nobody.
    expect(viewerFromIdentityHeaders({ 'x-user-id': '1' })).toBe(ANONYMOUS);
  });

  it('parses token lifetimes', () => {
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('7d')).toBe(604_800);
    expect(() => parseTtl('soon')).toThrow('--ttl');
  });
});

describe('authenticator', () => {
  const config = authConfigFromEnv({ ...env, JWT_SECRET: SECRET });

  it('no credentials: the anonymous viewer', async () => {
    const authenticate = createAuthenticator({ verify: createTokenVerifier(config) });
    expect(await authenticate({}, () => silent)).toBe(ANONYMOUS);
  });

  it('verifies a token once and serves it from the cache until it expires', async () => {
    let verifications = 0;
    const verify = createTokenVerifier(config)!;
    let clock = Date.now();
    const authenticate = createAuthenticator({
      verify: (token) => {
        verifications++;
        return verify(token);
      },
      now: () => clock,
    });
    const token = await signDevToken({ secret: SECRET, sub: '1', scopes: ['a'], ttlS: 60 });
    const first = await authenticate({ authorization: `Bearer ${token}` }, () => silent);
    const second = await authenticate({ authorization: `Bearer ${token}` }, () => silent);
    expect(second).toBe(first);
    expect(verifications).toBe(1);
    // Past the token's exp the cache no longer answers (and the verifier itself refuses it).
    clock += 61_000;
    await authenticate({ authorization: `Bearer ${token}` }, () => silent).catch(() => undefined);
    expect(verifications).toBe(2);
  });

  it("the client is the token's claim, never the apollographql-client-name header", async () => {
    const authenticate = createAuthenticator({ verify: createTokenVerifier(config) });
    const token = await signDevToken({ secret: SECRET, sub: '1', ttlS: 60 });
    const as = (client?: string) =>
      authenticate({ authorization: `Bearer ${token}`, ...(client ? { 'apollographql-client-name': client } : {}) }, () => silent);
    expect((await as('web')).client).toBeUndefined();
    expect((await as()).client).toBeUndefined();
    const claimed = await new SignJWT({ azp: 'partner' }).setProtectedHeader({ alg: 'HS256' }).setSubject('1').setExpirationTime('1m').sign(new TextEncoder().encode(SECRET));
    expect((await authenticate({ authorization: `Bearer ${claimed}`, 'apollographql-client-name': 'web' }, () => silent)).client).toBe('partner');
  });

  it('a bad token: a generic 401, the reason in the log, never the token', async () => {
    const { log, lines } = capture();
    const authenticate = createAuthenticator({ verify: createTokenVerifier(config) });
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(new TextEncoder().encode(SECRET));
    const error = await authenticate({ authorization: `Bearer ${expired}` }, () => log).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Authentication is required or the credentials are invalid.', extensions: { code: 'UNAUTHENTICATED' } });
    expect((error as { extensions: { http: { status: number } } }).extensions.http.status).toBe(401);
    const logged = lines.join('');
    expect(logged).toContain('ERR_JWT_EXPIRED');
    expect(logged).not.toContain(expired);
  });

  it('a token without exp is refused; so is any token when no key source is configured', async () => {
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('1').sign(new TextEncoder().encode(SECRET));
    await expect(createAuthenticator({ verify: createTokenVerifier(config) })({ authorization: `Bearer ${noExp}` }, () => silent)).rejects.toThrow();
    const token = await signDevToken({ secret: SECRET, sub: '1' });
    await expect(createAuthenticator({ verify: undefined })({ authorization: `Bearer ${token}` }, () => silent)).rejects.toThrow();
  });

  it('API keys are looked up by hash and map to their own viewer', async () => {
    const authenticate = createAuthenticator({
      verify: undefined,
      apiKeys: [{ id: 'partner-a', sha256: sha256Hex('k-123'), scopes: ['catalog:read'], client: undefined }],
    });
    const viewer = await authenticate({ 'x-api-key': 'k-123' }, () => silent);
    expect(viewer).toMatchObject({ kind: 'apikey', id: 'apikey:partner-a', apiKey: 'partner-a', sub: undefined, client: 'partner-a', authenticated: true });
    expect([...viewer.scopes]).toEqual(['catalog:read']);
    await expect(authenticate({ 'x-api-key': 'k-124' }, () => silent)).rejects.toThrow();
  });
});
