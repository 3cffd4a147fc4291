import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signDevToken } from '../../src/auth/devToken.js';
import { expectRefused, GRAPHQL_RESPONSE, post, useStack, type Answer } from './bad-input/harness.js';
import { runScript } from '../helpers/processes.js';

// The error table decides the status of every whole-request refusal, whichever layer refuses
// (the HTTP edge before Apollo, a request hook, the router), and errors at a path leave it 200.
// The bad-input tests cover parsing, validation, variables, methods, media types and sizes.
const JWT_SECRET = 'error-statuses-secret-of-at-least-32-bytes';
const REQUESTS_PER_MINUTE = 40;

const codesOf = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.extensions?.code);

async function getJson(url: string): Promise<Answer> {
  const res = await fetch(url, { headers: { accept: GRAPHQL_RESPONSE } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

describe('error statuses come from the error table', () => {
  const stack = useStack({ JWT_SECRET, RATE_LIMIT_DEFAULT: `${REQUESTS_PER_MINUTE}/60s` });

  it('a refused credential: 401 UNAUTHENTICATED with WWW-Authenticate', async () => {
    const answer = await post(stack(), { query: '{ __typename }' }, { authorization: 'Bearer not-a-token' });
    expectRefused(answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('a spent request budget: 429 RATE_LIMITED with Retry-After', async () => {
    const token = await signDevToken({ secret: JWT_SECRET, sub: 'spender' });
    let last: Answer | undefined;
    for (let i = 0; i <= REQUESTS_PER_MINUTE; i++) last = await post(stack(), { query: '{ __typename }' }, { authorization: `Bearer ${token}` });
    expectRefused(last!, 429, 'RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('an operation over the cost limit: 400 COST_LIMIT_EXCEEDED', async () => {
    const query = '{ users(ids: ["1"]) { orders { user { orders { user { orders { user { orders { id } } } } } } } } }';
    expectRefused(await post(stack(), { query }), 400, 'COST_LIMIT_EXCEEDED');
  });

  it('an unknown persisted query: 200 PERSISTED_QUERY_NOT_FOUND, which clients answer by sending the text', async () => {
    const sha256Hash = createHash('sha256').update('{ never sent }').digest('hex');
    const answer = await post(stack(), { extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expectRefused(answer, 200, 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('a path the gateway does not serve: 404 ROUTE_NOT_FOUND, also /metrics and the admin API when it is off', async () => {
    for (const path of ['/nothing-here', '/metrics', '/admin/subgraphs']) {
      expectRefused(await getJson(`${stack().url}${path}`), 404, 'ROUTE_NOT_FOUND');
    }
  });

  it('errors at a path keep the answer 200 with its data, whatever their code', async () => {
    const answer = await post(stack(), { query: '{ user(id: "1") { name email } }' });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ user: { name: 'Ada Lovelace', email: null } });
    expect(codesOf(answer)).toEqual(['UNAUTHENTICATED']);
  });

  it('the CLI reads the 404 of a gateway without the admin API as ADMIN_API_OFF', async () => {
    const run = await runScript('src/cli/main.ts', ['subgraph', 'list', '--gateway', stack().url], {
      env: { ADMIN_TOKEN: 'x'.repeat(24), LOG_LEVEL: 'silent' },
      timeoutMs: 30_000,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[ADMIN_API_OFF]');
  }, 40_000);
});
