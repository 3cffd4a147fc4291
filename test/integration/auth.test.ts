import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAllMocks, type MockSet } from '../../services-mock/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startStack, type Stack } from '../helpers/stack.js';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'tessera-test';
const QUERY = '{ user(id: "1") { name email } }';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function rsaKey(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(key: KeyPair, claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: number } = {}) {
  return new SignJWT({ scope: 'user:email', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setSubject('1')
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? now() + 600)
    .sign(key.privateKey);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A JWKS endpoint whose key set the test changes at will (rotation). */
async function startJwks(keys: JWK[]): Promise<{ url: string; server: Server; fetches: () => number }> {
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server, fetches: () => fetches };
}

function expect401(response: Awaited<ReturnType<Stack['query']>>) {
  expect(response.status, JSON.stringify(response.body)).toBe(401);
  expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(response.body.errors?.[0]?.message).toBe('Authentication is required or the credentials are invalid.');
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(response.body.data).toBeUndefined();
}

let mocks: MockSet;
beforeAll(async () => {
  mocks = await startAllMocks();
});
afterAll(() => mocks.close());

describe('RS256 through a JWKS URL', () => {
  let stack: Stack;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  const published: JWK[] = [];
  let current: KeyPair;

  beforeAll(async () => {
    current = await rsaKey('key-1');
    published.push(current.jwk);
    jwks = await startJwks(published);
    stack = await startStack({
      mocks,
      env: { JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_COOLDOWN_MS: '0' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => jwks?.server.close(resolve));
  });

  it('a valid token gets data, with its scopes applied', async () => {
    const { status, body } = await stack.query(QUERY, undefined, bearer(await sign(current)));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.user).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('no token: the anonymous viewer, whom the rules decide about', async () => {
    const { status, body } = await stack.query(QUERY);
    expect(status).toBe(200);
    expect(body.data.user).toEqual({ name: 'Ada Lovelace', email: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('expired, wrong issuer, wrong audience → 401', async () => {
    expect401(await stack.query(QUERY, undefined, bearer(await sign(current, {}, { exp: now() - 120 }))));
    expect401(await stack.query(QUERY, undefined, bearer(await sign(current, {}, { iss: 'https://evil.test/' }))));
    expect401(await stack.query(QUERY, undefined, bearer(await sign(current, {}, { aud: 'someone-else' }))));
  });

  it('alg none, a tampered signature, a tampered payload → 401', async () => {
    const claims = { sub: '1', scope: 'user:email', iss: ISSUER, aud: AUDIENCE, exp: now() + 600 };
    expect401(await stack.query(QUERY, undefined, bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)));
    const [header, payload, signature] = (await sign(current)).split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect401(await stack.query(QUERY, undefined, bearer(`${header}.${payload}.${flipped}`)));
    expect401(await stack.query(QUERY, undefined, bearer(`${header}.${b64({ ...claims, sub: '2' })}.${signature}`)));
  });

  it('algorithm confusion: HS256 signed with the RSA public key as the secret → 401', async () => {
    const pem = await exportSPKI(current.publicKey);
    const forged = await new SignJWT({ scope: 'user:email' })
      .setProtectedHeader({ alg: 'HS256', kid: current.kid })
      .setSubject('1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(pem));
    expect401(await stack.query(QUERY, undefined, bearer(forged)));
  });

  it('a key the JWKS does not publish (unknown kid) → 401; once published (rotation) it is accepted', async () => {
    const next = await rsaKey('key-2');
    const token = await sign(next);
    const before = jwks.fetches();
    expect401(await stack.query(QUERY, undefined, bearer(token)));
    // The unknown kid made the gateway look at the JWKS again.
    expect(jwks.fetches()).toBeGreaterThan(before);

    published.push(next.jwk);
    const { status, body } = await stack.query(QUERY, undefined, bearer(token));
    expect(status).toBe(200);
    expect(body.data.user.email).toBe('ada@example.com');
    // The old key still works while it is published.
    expect((await stack.query(QUERY, undefined, bearer(await sign(current)))).status).toBe(200);
  });

  it('sends its own identity headers to subgraphs and never a client-sent x-user-id', async () => {
    const query = '{ product(sku: "SKU-0002") { title reviews { rating } } }';
    const anonymous = await stack.query(query, undefined, { 'x-user-id': '42', 'x-user-scopes': 'admin' });
    expect(anonymous.body.errors).toBeUndefined();
    let seen = mocks.reviews.stats().lastHeaders;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-user-scopes']).toBeUndefined();

    const signedIn = await stack.query(query, undefined, { ...bearer(await sign(current)), 'x-user-id': '42' });
    expect(signedIn.body.errors).toBeUndefined();
    seen = mocks.reviews.stats().lastHeaders;
    expect(seen['x-user-kind']).toBe('user');
    expect(seen['x-user-id']).toBe('1');
    expect(seen['x-user-scopes']).toBe('user:email');
    expect(seen.authorization).toBeUndefined();
  });
});

describe('HS256 through a secret, and API keys', () => {
  const SECRET = 'hs256-test-secret-that-is-long-enough!';
  const PARTNER_KEY = 'partner-a-key-0123456789';
  const KEY_ONE = 'key-with-id-1-0123456789';
  let stack: Stack;

  beforeAll(async () => {
    const apiKeys = [
      { id: 'partner-a', sha256: createHash('sha256').update(PARTNER_KEY).digest('hex'), scopes: ['user:email'] },
      // The same id as user 1: a key of its own all the same.
      { id: '1', sha256: createHash('sha256').update(KEY_ONE).digest('hex'), scopes: ['user:email'] },
    ];
    stack = await startStack({ mocks, env: { JWT_SECRET: SECRET, API_KEYS: JSON.stringify(apiKeys) } });
  });
  afterAll(() => stack?.close());

  const hs = (secret: string, exp = now() + 600) =>
    new SignJWT({ scopes: ['user:email'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('1').setExpirationTime(exp).sign(new TextEncoder().encode(secret));

  it('a valid token gets data (scopes from a `scopes` array)', async () => {
    const { status, body } = await stack.query(QUERY, undefined, bearer(await hs(SECRET)));
    expect(status).toBe(200);
    expect(body.data.user.email).toBe('ada@example.com');
  });

  it('expired, signed with another secret, RS256, not a bearer token → 401', async () => {
    expect401(await stack.query(QUERY, undefined, bearer(await hs(SECRET, now() - 120))));
    expect401(await stack.query(QUERY, undefined, bearer(await hs('another-secret-that-is-long-enough!!'))));
    expect401(await stack.query(QUERY, undefined, bearer(await sign(await rsaKey('k')))));
    expect401(await stack.query(QUERY, undefined, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }));
  });

  it('a partner API key maps to its own viewer; an unknown one → 401', async () => {
    const { status, body } = await stack.query(QUERY, undefined, { 'x-api-key': PARTNER_KEY });
    expect(status).toBe(200);
    expect(body.data.user.email).toBe('ada@example.com');
    expect(mocks.users.stats().lastHeaders['x-user-id']).toBeUndefined();
    expect401(await stack.query(QUERY, undefined, { 'x-api-key': 'not-a-key' }));
  });

  it("an API key with id 1 is not user 1: not the owner of user 1's orders, cannot order for them, not x-user-id", async () => {
    const user = bearer(await hs(SECRET));
    const key = { 'x-api-key': KEY_ONE };
    const listed = await stack.query('{ user(id: "1") { orders(first: 1) { id } } }', undefined, user);
    const orderId = listed.body.data.user.orders[0].id as string;
    const read = `{ order(id: "${orderId}") { id total } }`;
    expect((await stack.query(read, undefined, user)).body.data.order.total).toEqual(expect.any(Number));
    const asKey = await stack.query(read, undefined, key);
    expect(asKey.body.data?.order ?? null).toBeNull();
    expect(asKey.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const create = 'mutation { createOrder(input: { userId: "1", items: [{ sku: "SKU-0001", quantity: 1 }] }) { id } }';
    const created = await stack.query(create, undefined, key);
    expect(created.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(created.body.data).toBeNull();

    await stack.query('{ product(sku: "SKU-0002") { reviews { rating } } }', undefined, key);
    const seen = mocks.reviews.stats().lastHeaders;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-user-api-key']).toBe('1');
    expect(seen['x-user-kind']).toBe('apikey');
  });

  it('createOrder is bound to the viewer: another user is FORBIDDEN, orders:write:all may order for anyone', async () => {
    const create = (userId: string) => `mutation { createOrder(input: { userId: "${userId}", items: [{ sku: "SKU-0001", quantity: 1 }] }) { id } }`;
    const asUser1 = bearer(await hs(SECRET));
    const forOther = await stack.query(create('2'), undefined, asUser1);
    expect(forOther.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forSelf = await stack.query(create('1'), undefined, asUser1);
    expect(forSelf.body.errors).toBeUndefined();
    const admin = await new SignJWT({ scope: 'orders:write:all' }).setProtectedHeader({ alg: 'HS256' }).setSubject('9').setExpirationTime(now() + 600).sign(new TextEncoder().encode(SECRET));
    const byAdmin = await stack.query(create('2'), undefined, bearer(admin));
    expect(byAdmin.body.errors).toBeUndefined();
    expect(byAdmin.body.data.createOrder.id).toEqual(expect.any(String));
  });
});

describe('configuration', () => {
  const base = { SUPERGRAPH_FILE: 'x.graphql' };
  it('refuses to forward x-user-* headers from clients', () => {
    expect(() => loadConfig({ ...base, PROPAGATE_HEADERS: 'accept-language,x-user-id' })).toThrow(/PROPAGATE_HEADERS: x-user-id/);
  });

  it('never mixes HMAC with public keys', () => {
    expect(() => loadConfig({ ...base, JWT_SECRET: 'a'.repeat(40), JWT_JWKS_URL: 'http://127.0.0.1:1/jwks' })).toThrow(/only one key source/);
    expect(() => loadConfig({ ...base, JWT_JWKS_URL: 'http://127.0.0.1:1/jwks', JWT_ALGORITHMS: 'RS256,HS256' })).toThrow(/HS256 cannot be verified/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'a'.repeat(40), JWT_ALGORITHMS: 'RS256' })).toThrow(/RS256 cannot be verified/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    expect(loadConfig({ ...base, JWT_SECRET: 'a'.repeat(40) }).auth.algorithms).toEqual(['HS256']);
  });
});
