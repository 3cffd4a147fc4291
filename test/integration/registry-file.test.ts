import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEWS_SDL, startAllMocks, type MockSet } from '../../services-mock/index.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { ADMIN_TOKEN, admin, CONFLICTING_SDL, tempDir, writeSupergraphWithoutReviews } from '../helpers/registryFixtures.js';

const REVIEWS_QUERY = '{ topReviews(first: 2) { id rating product { sku } } }';

/** The registry without Redis: the JSON file store, one gateway in process. */
describe('registry with the file store', () => {
  let mocks: MockSet;
  let dir: { path: string; remove: () => Promise<void> };
  let env: Record<string, string>;
  let stack: Stack;
  let reviewsUrl: string;

  beforeAll(async () => {
    mocks = await startAllMocks();
    dir = await tempDir();
    env = {
      SUPERGRAPH_CONFIG: await writeSupergraphWithoutReviews(dir.path, mocks),
      DATA_DIR: join(dir.path, 'data'),
      ADMIN_TOKEN,
      REGISTRY_POLL_MS: '60000',
    };
    stack = await startStack({ mocks, env });
    reviewsUrl = `${mocks.reviews.url}/graphql`;
  });
  afterAll(async () => {
    await stack?.close();
    await mocks?.close();
    await dir?.remove();
  });

  it('refuses the admin API without the token, and with a wrong one', async () => {
    const none = await fetch(`${stack.url}/admin/subgraphs`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).errors[0].code).toBe('UNAUTHENTICATED');
    const wrong = await admin(stack.url, 'GET', '/admin/subgraphs', undefined, 'not-the-admin-token-at-all');
    expect(wrong.status).toBe(401);
  });

  it('a path that is not valid percent-encoding is a 400, not a 500', async () => {
    for (const path of ['/admin/subgraphs/%zz', '/admin/subgraphs/%E0%A4%A', '/admin/subgraphs/a%']) {
      const res = await admin(stack.url, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0].code).toBe('BAD_REQUEST');
    }
    expect((await admin(stack.url, 'GET', '/admin/subgraphs')).status).toBe(200);
  });

  it('refuses a subgraph that would take a field the app guards away from the app (its rule would lift), even while one of the app’s subgraphs is missing', async () => {
    // reviews, which the app owns, is not registered yet: the check must not wait for it.
    const takeover = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@override"])
      type User @key(fields: "id") { id: ID! email: String @override(from: "users") }`;
    const refused = await admin(stack.url, 'PUT', '/admin/subgraphs/people', { url: `${mocks.inventory.url}/graphql`, sdl: takeover });
    expect(refused.status).toBe(409);
    expect(refused.body.errors.map((e: any) => [e.code, e.message])).toEqual([
      ['BREAKING_CHANGE', expect.stringMatching(/^The app's policy would no longer apply: rules\.User\.email: User\.email is resolved by people, not by the app's \(/)],
    ]);
    // Nothing changed: the rule still holds.
    const email = await stack.query('{ user(id: "1") { email } }');
    expect(email.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await admin(stack.url, 'GET', '/admin/subgraphs')).body.subgraphs.map((s: any) => s.name)).not.toContain('people');
  });

  it('publishes a subgraph by URL and serves its fields at once', async () => {
    const before = await stack.query(REVIEWS_QUERY);
    expect(before.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const published = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: reviewsUrl });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ ok: true, action: 'publish', version: 1, subgraphs: ['reviews'] });
    expect(published.body.changes.some((c: any) => c.breaking)).toBe(false);

    const after = await stack.query(REVIEWS_QUERY);
    expect(after.body.errors).toBeUndefined();
    // reviews is the app's (owns.remote): its rule on Review.author holds from now on.
    const author = await stack.query('{ topReviews(first: 1) { id author { id } } }');
    expect(author.body.errors?.map((e: any) => [e.extensions?.code, e.path])).toEqual([['UNAUTHENTICATED', ['topReviews', 0, 'author']]]);
    expect(after.body.data.topReviews).toHaveLength(2);
    expect(after.body.data.topReviews[0].product.sku).toMatch(/^SKU-/);
    const ready = (await (await fetch(`${stack.url}/readiness`)).json()) as any;
    expect(ready.compositionId).toBe(published.body.compositionId);

    // The file holds it, written whole.
    const file = JSON.parse(await readFile(join(env.DATA_DIR!, 'registry.json'), 'utf8'));
    expect(file.version).toBe(1);
    expect(file.subgraphs.reviews.url).toBe(reviewsUrl);
    expect(file.subgraphs.reviews.sdl).toContain('topReviews');
  });

  it('lists URL, source, registered at, SDL hash and the last health check', async () => {
    const { status, body } = await admin(stack.url, 'GET', '/admin/subgraphs');
    expect(status).toBe(200);
    const reviews = body.subgraphs.find((s: any) => s.name === 'reviews');
    expect(reviews).toMatchObject({ url: reviewsUrl, source: 'registered', registeredBy: 'token:admin' });
    expect(reviews.sdlHash).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(reviews.registeredAt)).not.toBeNaN();
    expect(reviews.lastHealthCheck).toMatchObject({ ok: true });
    expect(body.subgraphs.find((s: any) => s.name === 'catalog')).toMatchObject({ source: 'static', url: 'local://catalog' });
  });

  it('refuses a conflicting subgraph with every composition error; the served graph and readiness stay', async () => {
    const before = (await (await fetch(`${stack.url}/readiness`)).json()) as any;
    const refused = await admin(stack.url, 'PUT', '/admin/subgraphs/conflicting', { url: reviewsUrl, sdl: CONFLICTING_SDL });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.length).toBeGreaterThan(0);
    for (const error of refused.body.errors) expect(error.code).toBe('COMPOSITION_FAILED');
    expect(refused.body.errors.map((e: any) => e.message).join('\n')).toMatch(/price/);

    const ready = await fetch(`${stack.url}/readiness`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).compositionId).toBe(before.compositionId);
    expect((await stack.query(REVIEWS_QUERY)).body.errors).toBeUndefined();
    const list = await admin(stack.url, 'GET', '/admin/subgraphs');
    expect(list.body.subgraphs.map((s: any) => s.name)).not.toContain('conflicting');
  });

  it('refuses a breaking change without force and accepts it with force', async () => {
    const withoutTopReviews = REVIEWS_SDL.replace(/"Highest rated first[^"]*"\s*topReviews\(first: Int = 5\): \[Review!\]!( @listSize\([^)]*\))?/, '');
    expect(withoutTopReviews).not.toContain('topReviews');

    const dry = await admin(stack.url, 'POST', '/admin/subgraphs/reviews/check', { url: reviewsUrl, sdl: withoutTopReviews });
    expect(dry.status).toBe(409);
    const refused = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: reviewsUrl, sdl: withoutTopReviews });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe('BREAKING_CHANGE');
    expect(refused.body.errors.map((e: any) => e.message).join('\n')).toMatch(/topReviews/);
    expect((await stack.query(REVIEWS_QUERY)).body.errors).toBeUndefined();

    const forced = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: reviewsUrl, sdl: withoutTopReviews, force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.changes.filter((c: any) => c.breaking).length).toBeGreaterThan(0);
    const after = await stack.query(REVIEWS_QUERY);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await stack.query('{ review(id: "r1") { id rating } }')).body.data.review.id).toBe('r1');

    // Back to the full schema (adding fields is not breaking).
    const restored = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: reviewsUrl });
    expect(restored.status).toBe(200);
    expect((await stack.query(REVIEWS_QUERY)).body.errors).toBeUndefined();
  });

  it('refuses forbidden URLs before any fetch', async () => {
    const cases: [string, string][] = [
      ['http://169.254.169.254/latest/meta-data/', 'SUBGRAPH_URL_FORBIDDEN'],
      ['file:///etc/passwd', 'SUBGRAPH_URL_FORBIDDEN'],
      ['gopher://127.0.0.1:70/_', 'SUBGRAPH_URL_FORBIDDEN'],
      ['http://example.com/graphql', 'SUBGRAPH_URL_FORBIDDEN'],
      ['http://[fd00:ec2::254]/', 'SUBGRAPH_URL_FORBIDDEN'],
      ['not a url', 'INVALID_SUBGRAPH'],
    ];
    for (const [url, code] of cases) {
      const res = await admin(stack.url, 'PUT', '/admin/subgraphs/evil', { url });
      expect(res.status, url).toBe(400);
      expect(res.body.errors[0].code, url).toBe(code);
    }
    const badName = await admin(stack.url, 'PUT', '/admin/subgraphs/1bad', { url: reviewsUrl });
    expect(badName.body.errors[0].code).toBe('INVALID_SUBGRAPH');
    const staticName = await admin(stack.url, 'PUT', '/admin/subgraphs/catalog', { url: reviewsUrl });
    expect(staticName.body.errors[0].code).toBe('INVALID_SUBGRAPH');
    expect(staticName.body.errors[0].message).toMatch(/supergraph\.yaml/);
  });

  it('reports a subgraph that is down as a failed fetch, and an unknown removal as not found', async () => {
    const down = await admin(stack.url, 'PUT', '/admin/subgraphs/ghost', { url: 'http://127.0.0.1:9/graphql' });
    expect(down.status).toBe(502);
    expect(down.body.errors[0].code).toBe('SCHEMA_FETCH_FAILED');
    const missing = await admin(stack.url, 'DELETE', '/admin/subgraphs/ghost');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].code).toBe('SUBGRAPH_NOT_FOUND');
  });

  it('exports the registered set as supergraph.yaml and imports it back as one change', async () => {
    const exported = await fetch(`${stack.url}/admin/supergraph.yaml`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(exported.status).toBe(200);
    const yaml = await exported.text();
    expect(yaml).toContain('reviews:');
    expect(yaml).toContain(`routing_url: ${reviewsUrl}`);
    expect(yaml).not.toContain('catalog:');

    const dryRun = await admin(stack.url, 'PUT', '/admin/supergraph.yaml?dryRun=true', yaml);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ ok: true, dryRun: true, action: 'import' });

    const emptied = await admin(stack.url, 'PUT', '/admin/supergraph.yaml', 'subgraphs: {}\n');
    expect(emptied.status).toBe(409); // removing reviews is breaking
    expect(emptied.body.errors[0].code).toBe('BREAKING_CHANGE');
  });

  it('puts a registry.json that was deleted under it back before the next change, at the version it serves', async () => {
    const path = join(env.DATA_DIR!, 'registry.json');
    const { version } = JSON.parse(await readFile(path, 'utf8'));
    await rm(path);
    expect((await stack.query(REVIEWS_QUERY)).body.errors).toBeUndefined();
    const republished = await admin(stack.url, 'PUT', '/admin/subgraphs/reviews', { url: reviewsUrl });
    expect(republished.status).toBe(200);
    expect(republished.body.version).toBe(version + 1);
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file.version).toBe(version + 1);
    expect(Object.keys(file.subgraphs)).toEqual(['reviews']);
  });

  it('keeps registrations across a restart', async () => {
    const before = (await (await fetch(`${stack.url}/readiness`)).json()) as any;
    await stack.close();
    stack = await startStack({ mocks, env });
    const after = (await (await fetch(`${stack.url}/readiness`)).json()) as any;
    expect(after.compositionId).toBe(before.compositionId);
    expect((await stack.query(REVIEWS_QUERY)).body.errors).toBeUndefined();
    const list = await admin(stack.url, 'GET', '/admin/subgraphs');
    expect(list.body.subgraphs.find((s: any) => s.name === 'reviews')).toMatchObject({ url: reviewsUrl, source: 'registered' });

    const removed = await admin(stack.url, 'DELETE', '/admin/subgraphs/reviews?force=true');
    expect(removed.status).toBe(200);
    expect((await stack.query(REVIEWS_QUERY)).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('without ADMIN_TOKEN', () => {
  it('has no admin API at all', async () => {
    const dir = await tempDir();
    const stack = await startStack({ env: { DATA_DIR: dir.path } });
    try {
      const res = await fetch(`${stack.url}/admin/subgraphs`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await stack.close();
      await dir.remove();
    }
  });
});

describe('admin API with JWT authentication configured', () => {
  it('also admits a signed JWT carrying the tessera:admin scope, and no other', async () => {
    const secret = 'registry-test-jwt-secret-0123456789abcdef';
    const dir = await tempDir();
    const stack = await startStack({ env: { DATA_DIR: dir.path, ADMIN_TOKEN, JWT_SECRET: secret } });
    const sign = (scope: string) =>
      new SignJWT({ scope })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
    try {
      const asAdmin = await admin(stack.url, 'GET', '/admin/subgraphs', undefined, await sign('read tessera:admin'));
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.subgraphs.length).toBeGreaterThan(0);
      const asReader = await admin(stack.url, 'GET', '/admin/subgraphs', undefined, await sign('read'));
      expect(asReader.status).toBe(401);
      const wrongKey = await new SignJWT({ scope: 'tessera:admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('another-secret-another-secret-0123456789'));
      expect((await admin(stack.url, 'GET', '/admin/subgraphs', undefined, wrongKey)).status).toBe(401);
    } finally {
      await stack.close();
      await dir.remove();
    }
  });
});
