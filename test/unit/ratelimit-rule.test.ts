import { buildSchema, GraphQLError, parse, type OperationDefinitionNode } from 'graphql';
import { allow, and } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, apiKeyViewer, userViewer, type Viewer } from '../../src/auth/viewer.js';
import { ConfigError } from '../../src/errors/configError.js';
import { parseEnv } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/index.js';
import { toDenial } from '../../src/policy/evaluate.js';
import { planOperation } from '../../src/policy/operationPlan.js';
import { createRuleLookup } from '../../src/policy/ruleTree.js';
import { countsOccurrences, isAuthenticated, isContextOnly, type ShieldRule } from '../../src/policy/rules.js';
import { parseFieldLimits, withFieldLimits } from '../../src/ratelimit/fieldLimits.js';
import { createRateLimiter } from '../../src/ratelimit/limiter.js';
import { parseWindow, rateLimit, type FieldLimitScope, type FieldRejection } from '../../src/ratelimit/rule.js';

const OPTIONS = { debug: false, allowExternalErrors: false, fallbackRule: allow, hashFunction: () => '' };
const viewer = (sub: string): Viewer => userViewer(sub);
const info = (parentType: string, fieldName: string) => ({ parentType: { name: parentType }, fieldName }) as never;

function requestContext(v: Viewer, scope: FieldLimitScope, ip = '10.0.0.1') {
  return { viewer: v, ip, headers: {}, fieldLimits: scope, _shield: { cache: {} } };
}

describe('rateLimit rule', () => {
  it('allows max occurrences per identity, then returns RATE_LIMITED with retryAfter; reports each refusal', async () => {
    const rejections: FieldRejection[] = [];
    const scope: FieldLimitScope = { limiter: createRateLimiter(), onReject: (r) => rejections.push(r) };
    const limit = rateLimit({ max: 2, window: '1m' });
    const decide = (ctx: object) => limit.resolve({}, {}, ctx as never, info('Query', 'search'), OPTIONS);
    const ada = requestContext(viewer('ada'), scope);
    // Decided in one tick: one batched spend of 3.
    const outcomes = await Promise.all([decide(ada), decide(ada), decide(ada)]);
    expect(outcomes.slice(0, 2)).toEqual([true, true]);
    const refused = outcomes[2] as GraphQLError;
    expect(refused).toBeInstanceOf(GraphQLError);
    expect(refused.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(refused.extensions.retryAfter).toBeLessThanOrEqual(60);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ rule: 'Query.search:2/60s:viewer', first: true });
    // Another viewer, and another field with the same rule, count apart.
    expect(await decide(requestContext(viewer('grace'), scope))).toBe(true);
    expect(await limit.resolve({}, {}, ada as never, info('Query', 'other'), OPTIONS)).toBe(true);
  });

  it('by: ip, client, apiKey, or a function of the arguments', async () => {
    const scope: FieldLimitScope = { limiter: createRateLimiter() };
    const byIp = rateLimit({ max: 1, window: 60, by: 'ip' });
    const a = requestContext(viewer('ada'), scope, '10.0.0.9');
    const b = requestContext(viewer('grace'), scope, '10.0.0.9');
    expect(await byIp.resolve({}, {}, a as never, info('Q', 'f'), OPTIONS)).toBe(true);
    expect(await byIp.resolve({}, {}, b as never, info('Q', 'f'), OPTIONS)).toBeInstanceOf(GraphQLError);

    const byUser = rateLimit({ max: 1, window: 60, by: (_ctx, args) => String(args['userId']) });
    const ctx = requestContext(ANONYMOUS, scope);
    expect(await byUser.resolve({}, { userId: '1' }, ctx as never, info('Q', 'f'), OPTIONS)).toBe(true);
    expect(await byUser.resolve({}, { userId: '2' }, ctx as never, info('Q', 'f'), OPTIONS)).toBe(true);
    expect(await byUser.resolve({}, { userId: '1' }, ctx as never, info('Q', 'f'), OPTIONS)).toBeInstanceOf(GraphQLError);

    const byKey = rateLimit({ max: 1, window: 60, by: 'apiKey' });
    const keyed = requestContext(apiKeyViewer('partner-a'), scope, '10.0.0.7');
    const sameIpNoKey = requestContext(ANONYMOUS, scope, '10.0.0.7');
    expect(await byKey.resolve({}, {}, keyed as never, info('Q', 'g'), OPTIONS)).toBe(true);
    expect(await byKey.resolve({}, {}, sameIpNoKey as never, info('Q', 'g'), OPTIONS)).toBe(true);
    expect(await byKey.resolve({}, {}, keyed as never, info('Q', 'g'), OPTIONS)).toBeInstanceOf(GraphQLError);

    // by client: the credential's client; a client-name header opens no budget of its own.
    const byClient = rateLimit({ max: 1, window: 60, by: 'client' });
    const named = (header: string) => ({ ...requestContext(ANONYMOUS, scope, '10.0.0.8'), headers: { 'apollographql-client-name': header } });
    expect(await byClient.resolve({}, {}, named('a') as never, info('Q', 'h'), OPTIONS)).toBe(true);
    expect(await byClient.resolve({}, {}, named('b') as never, info('Q', 'h'), OPTIONS)).toBeInstanceOf(GraphQLError);
    const partner = (id: string) => requestContext(apiKeyViewer(id, { client: 'partner' }), scope, '10.0.0.8');
    expect(await byClient.resolve({}, {}, partner('k1') as never, info('Q', 'h'), OPTIONS)).toBe(true);
    expect(await byClient.resolve({}, {}, partner('k2') as never, info('Q', 'h'), OPTIONS)).toBeInstanceOf(GraphQLError);
  });

  it('a user and an API key with the same id never share a counter', async () => {
    const scope: FieldLimitScope = { limiter: createRateLimiter() };
    const limit = rateLimit({ max: 1, window: 60 });
    expect(await limit.resolve({}, {}, requestContext(viewer('1'), scope) as never, info('Q', 'i'), OPTIONS)).toBe(true);
    expect(await limit.resolve({}, {}, requestContext(apiKeyViewer('1'), scope) as never, info('Q', 'i'), OPTIONS)).toBe(true);
    expect(await limit.resolve({}, {}, requestContext(viewer('1'), scope) as never, info('Q', 'i'), OPTIONS)).toBeInstanceOf(GraphQLError);
  });

  it('is never cached nor context-only, counts occurrences, and composes', () => {
    const limit = rateLimit({ max: 5, window: '10s' });
    expect((limit as { cache?: unknown }).cache).toBe('no_cache');
    expect(isContextOnly(limit)).toBe(false);
    expect(countsOccurrences(limit)).toBe(true);
    expect(countsOccurrences(and(isAuthenticated, limit))).toBe(true);
    expect(isContextOnly(and(isAuthenticated, limit))).toBe(false);
    expect(countsOccurrences(isAuthenticated)).toBe(false);
  });

  it('validates its options, naming the bad value', () => {
    expect(() => rateLimit({ max: 0, window: 10 })).toThrow(/max/);
    expect(() => rateLimit({ max: 1, window: '10 minutes' })).toThrow(/"10 minutes"/);
    expect(() => rateLimit({ max: 1, window: 1, by: 'user' as never })).toThrow(/"user"/);
    expect([parseWindow(30), parseWindow('10s'), parseWindow('2m'), parseWindow('1h')]).toEqual([30, 10, 120, 3600]);
    expect(() => parseWindow(0.5)).toThrow(TypeError);
  });
});

describe('the policy engine and rate limits', () => {
  it('keeps a rule error’s own code and extensions, drops transport details and unknown codes', () => {
    const limited = new GraphQLError('slow down', { extensions: { code: 'RATE_LIMITED', retryAfter: 7, http: { status: 429 } } });
    expect(toDenial(limited)).toEqual({ code: 'RATE_LIMITED', message: 'slow down', extensions: { retryAfter: 7 } });
    expect(toDenial(new GraphQLError('no', { extensions: { code: 'MADE_UP' } }))).toEqual({ code: 'FORBIDDEN', message: 'no' });
    expect(toDenial(new GraphQLError('who', { extensions: { code: 'UNAUTHENTICATED' } }))).toEqual({ code: 'UNAUTHENTICATED', message: 'who' });
  });

  it('a limited field in a named fragment is decided once per path the fragment is reached by', () => {
    const schema = buildSchema('type Query { a: T, b: T, c: T } type T { x: Int, y: Int, t: T }');
    const rules = { T: { x: rateLimit({ max: 10, window: 60 }), y: isAuthenticated } };
    const lookup = createRuleLookup(rules, new Map(), 'allow');
    const document = parse(`{ a { ...F } b { ...F } c { t { ...G } } }
      fragment F on T { x y t { ...G } }
      fragment G on T { x }`);
    const plan = planOperation(schema, document, document.definitions[0] as OperationDefinitionNode, lookup);
    const byFragment = plan.checks.map((c) => [c.coordinate, c.occurrences]);
    // F: 2 paths; G: spread in F (2 paths) and under c (1 path) → 3. Auth rules are decided once.
    expect(byFragment).toEqual([
      ['T.x', 2],
      ['T.y', 1],
      ['T.x', 3],
    ]);
  });
});

describe('field limits in configuration', () => {
  it('parses RATE_LIMIT_FIELDS and names a bad entry', () => {
    expect(parseFieldLimits('Query.product=10/60s, Mutation.createOrder=3/1m:client')).toEqual([
      { type: 'Query', field: 'product', max: 10, windowS: 60, by: 'viewer' },
      { type: 'Mutation', field: 'createOrder', max: 3, windowS: 60, by: 'client' },
    ]);
    expect(parseFieldLimits('')).toEqual([]);
    expect(() => parseFieldLimits('Query.product=10')).toThrow(/"10"/);
    expect(() => parseFieldLimits('product=10/1s')).toThrow(/"product=10\/1s"/);
    expect(() => parseFieldLimits('Query.product=10/1s:user')).toThrow(/"user"/);
    expect(() => parseEnv({ RATE_LIMIT_FIELDS: 'Query.x=1' })).toThrow(ConfigError);
    expect(() => parseEnv({ RATE_LIMIT_DEFAULT: 'lots' })).toThrow(/RATE_LIMIT_DEFAULT="lots"/);
  });

  it('reads the rate-limit settings into the config', () => {
    const config = loadConfig({ SUPERGRAPH_FILE: 'x.graphql', RATE_LIMIT_DEFAULT: '600/60s', RATE_LIMIT_FIELDS: 'Query.a=1/1s:ip' });
    expect(config.rateLimit).toEqual({
      default: { max: 600, windowS: 60 },
      fields: [{ type: 'Query', field: 'a', max: 1, windowS: 1, by: 'ip' }],
      timeoutMs: 50,
      onStoreError: 'memory',
    });
    expect(loadConfig({ SUPERGRAPH_FILE: 'x.graphql', RATE_LIMIT_DEFAULT: '' }).rateLimit.default).toBeUndefined();
  });

  it('adds configured limits to the rule tree; a field with a rule must pass it first', async () => {
    const typeRule: ShieldRule = isAuthenticated;
    const tree = withFieldLimits({ Review: typeRule, User: { email: isAuthenticated } }, parseFieldLimits('Review.body=1/1m,User.email=1/1m,Query.a=1/1m'));
    const review = tree['Review'] as Record<string, ShieldRule>;
    expect(review['*']).toBe(typeRule);
    expect(countsOccurrences(review['body']!)).toBe(true);
    expect(countsOccurrences((tree['User'] as Record<string, ShieldRule>)['email']!)).toBe(true);
    expect(countsOccurrences((tree['Query'] as Record<string, ShieldRule>)['a']!)).toBe(true);
    // The anonymous viewer is refused by the auth rule and spends nothing.
    const scope: FieldLimitScope = { limiter: createRateLimiter() };
    const anonymous = requestContext(ANONYMOUS, scope);
    for (let i = 0; i < 3; i++) {
      const result = (await review['body']!.resolve({}, {}, anonymous as never, info('Review', 'body'), OPTIONS)) as GraphQLError;
      expect(result.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(await review['body']!.resolve({}, {}, requestContext(viewer('ada'), scope) as never, info('Review', 'body'), OPTIONS)).toBe(true);
  });
});
