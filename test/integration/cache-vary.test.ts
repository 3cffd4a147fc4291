import '../../src/gateway/noTelemetry.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startGreetings, type GreetingsSubgraph } from '../fixtures/greetings.js';
import { REDIS_URL, redisScope, type RedisScope } from '../helpers/redis.js';
import { postGraphQL } from '../helpers/stack.js';
import { supergraphOf } from '../helpers/supergraph.js';

/** Lets a MISS's entry land before the next request, so a leak would show. */
const settle = () => new Promise((r) => setTimeout(r, 80));

/**
 * A subgraph that answers in the caller's language (and names the caller's tenant), behind two
 * replicas sharing one Redis: the response cache must key on every header that reaches it.
 */
describe('the response cache keys on what changes the answer', () => {
  let greetings: GreetingsSubgraph;
  let redis: RedisScope;
  let dir: string;
  const replicas: App[] = [];
  let round = 0;

  const start = async (env: Record<string, string>): Promise<App> => {
    const file = join(dir, 'supergraph.graphql');
    const config = loadConfig({
      SUPERGRAPH_FILE: file,
      PORT: '0', METRICS_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      CACHE_TIMEOUT_MS: '1000',
      ...env,
    });
    const app = createApp(config, { log: pino({ level: 'silent' }) });
    replicas.push(app);
    await app.start();
    // Start-up does not wait for Redis: wait for a first HIT.
    for (let i = 0; ; i++) {
      const res = await postGraphQL(app.url, 'query WarmUp { greeting { text } }', undefined, { 'accept-language': 'warm-up' });
      if (res.headers.get('x-cache') === 'HIT') return app;
      if (i === 100) throw new Error('The response cache never answered a HIT: is Redis up?');
      await settle();
    }
  };

  let a: App;
  let b: App;
  beforeAll(async () => {
    redis = await redisScope();
    greetings = await startGreetings();
    dir = await mkdtemp(join(tmpdir(), 'tessera-vary-'));
    await writeFile(join(dir, 'supergraph.graphql'), supergraphOf([greetings.subgraph]));
    const env = { PROPAGATE_HEADERS: 'accept-language,x-tenant,x-debug', CACHE_UNKEYED_HEADERS: 'x-debug' };
    a = await start(env);
    b = await start(env);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.stop()));
    await greetings?.close();
    await redis?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    greetings.answerHeaders['cache-control'] = 'public, max-age=60';
    greetings.answerHeaders['vary'] = 'Accept-Language';
  });

  /** A query no earlier request asked, so each test starts from empty entries. */
  const freshQuery = () => `query Greeting${round++} { greeting { text language tenant } }`;
  const ask = (app: App, query: string, headers: Record<string, string>) => postGraphQL(app.url, query, undefined, headers);

  it('two replicas: fr, fr, de give MISS, HIT, MISS, and German never gets the French answer', async () => {
    const query = freshQuery();
    const calls = greetings.calls();
    const fr1 = await ask(a, query, { 'accept-language': 'fr' });
    expect([fr1.headers.get('x-cache'), fr1.body.data.greeting.text]).toEqual(['MISS', 'Bonjour']);
    await settle();
    const fr2 = await ask(b, query, { 'accept-language': 'fr' });
    expect([fr2.headers.get('x-cache'), fr2.body.data.greeting.text]).toEqual(['HIT', 'Bonjour']);
    const de = await ask(b, query, { 'accept-language': 'de' });
    expect([de.headers.get('x-cache'), de.body.data.greeting.text]).toEqual(['MISS', 'Hallo']);
    await settle();
    const en = await ask(a, query, { 'accept-language': 'en' });
    expect([en.headers.get('x-cache'), en.body.data.greeting.text]).toEqual(['MISS', 'Hello']);
    expect(greetings.calls() - calls).toBe(3);
    // The key's headers are named to clients and CDNs too.
    expect(en.headers.get('cache-control')).toBe('max-age=60, public');
    expect(en.headers.get('vary')).toBe('accept-language, x-tenant');
  });

  it('a forwarded tenant header is part of the key: one tenant never sees another tenant\'s answer', async () => {
    const query = freshQuery();
    const first = await ask(a, query, { 'x-tenant': 'acme' });
    expect(first.body.data.greeting.tenant).toBe('acme');
    await settle();
    const other = await ask(b, query, { 'x-tenant': 'globex' });
    expect([other.headers.get('x-cache'), other.body.data.greeting.tenant]).toEqual(['MISS', 'globex']);
    await settle();
    const again = await ask(b, query, { 'x-tenant': 'acme' });
    expect([again.headers.get('x-cache'), again.body.data.greeting.tenant]).toEqual(['HIT', 'acme']);
  });

  it('a header declared unkeyed shares one entry', async () => {
    const query = freshQuery();
    expect((await ask(a, query, { 'x-debug': '1' })).headers.get('x-cache')).toBe('MISS');
    await settle();
    expect((await ask(b, query, { 'x-debug': '2' })).headers.get('x-cache')).toBe('HIT');
  });

  it.each([
    ['Vary on a header outside the key', { vary: 'Accept-Language, X-Region' }],
    ['Vary on an unkeyed header', { vary: 'x-debug' }],
    ['Vary: *', { vary: '*' }],
    ['Cache-Control: no-store', { 'cache-control': 'public, max-age=60, no-store' }],
    ['Cache-Control: no-cache', { 'cache-control': 'max-age=60, no-cache' }],
  ])('%s makes the whole answer uncacheable', async (_name, headers) => {
    Object.assign(greetings.answerHeaders, headers);
    const query = freshQuery();
    const calls = greetings.calls();
    for (const app of [a, b, a]) {
      const res = await ask(app, query, { 'accept-language': 'fr' });
      expect(res.body.data.greeting.text).toBe('Bonjour');
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(res.headers.get('cache-control')).toBe('no-store');
      await settle();
    }
    expect(greetings.calls() - calls).toBe(3);
  });

  it.each([
    ['Vary on a credential', { vary: 'Accept-Language, Authorization' }],
    ['Cache-Control: private', { 'cache-control': 'private, max-age=60' }],
  ])('%s makes the answer private: never stored for the anonymous viewer, never sent as public', async (_name, headers) => {
    Object.assign(greetings.answerHeaders, headers);
    const query = freshQuery();
    for (const app of [a, b]) {
      const res = await ask(app, query, { 'accept-language': 'de' });
      expect(res.body.data.greeting.text).toBe('Hallo');
      expect(res.headers.get('x-cache')).toBe('MISS');
      expect(res.headers.get('cache-control')).toBe('max-age=60, private');
      await settle();
    }
  });
});
