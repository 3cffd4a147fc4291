import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocs } from '../helpers/docs.js';
import { runScript } from '../helpers/processes.js';
import { startStack, type Stack } from '../helpers/stack.js';

// The curl examples and documented answers of the README and docs/, run as a new user would run
// them: a token minted with the CLI docs/auth.md shows, then every `-d '{"query": …}'` body they contain.
const DOCS = [...readDocs().values()].join('\n');
const JWT_SECRET = 'readme-examples-secret-of-at-least-32-bytes';

interface Example {
  readonly query: string;
}
// The README's "Adding a service" query needs the shipping subgraph registered: readme-walk.test.ts runs it.
const EXAMPLES: Example[] = [...DOCS.matchAll(/-d '(\{"query":[\s\S]*?\})'/g)]
  .map((m) => JSON.parse(m[1]!) as Example)
  .filter((e) => !e.query.includes('deliveryOptions'));

/** The example whose query contains `marker`. */
function example(marker: string): Example {
  const found = EXAMPLES.find((e) => e.query.includes(marker));
  if (!found) throw new Error(`no example with ${marker} in the README or docs/`);
  return found;
}

/** A fenced ```json block of the README or docs/ whose text contains `marker`. */
function documentedJson(marker: string): unknown {
  const block = [...DOCS.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes(marker));
  if (!block) throw new Error(`no json block with ${marker} in the README or docs/`);
  return JSON.parse(block);
}

describe('README and docs examples', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET } });
    // "Mint a development token": the exact command of docs/auth.md, through the CLI.
    const minted = await runScript('src/cli/main.ts', ['token', '--sub', '1', '--scope', 'user:email inventory:read', '--ttl', '1h'], {
      env: { JWT_SECRET, LOG_LEVEL: 'silent' },
      timeoutMs: 30_000,
    });
    expect(minted.stderr).toBe('');
    expect(minted.code).toBe(0);
    token = minted.stdout.trim();
  }, 40_000);
  afterAll(() => stack?.close());

  it('finds the examples (five-service read, dashboard, mutation, token, limits)', () => {
    const text = EXAMPLES.map((e) => e.query).join('\n');
    expect(text).toContain('reviews { rating author { name } }');
    expect(text).toContain('dashboard(userId');
    expect(text).toContain('mutation { createOrder');
    expect(text).toContain('name email orders { total }');
  });

  it('with the token every example answers without errors, in the shapes the docs describe', async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const { query } of EXAMPLES) {
      const { status, body } = await stack.query(query, undefined, auth);
      expect({ query, status, errors: body.errors }).toEqual({ query, status: 200, errors: undefined });
      expect(body.data).toBeTruthy();
    }
    const five = (await stack.query(example('reviews { rating author { name } }').query, undefined, auth)).body.data;
    expect(five.user.name).toBe('Ada Lovelace');
    const reviews = five.user.orders.flatMap((o: any) => o.items.flatMap((i: any) => i.product.reviews));
    expect(reviews.length).toBeGreaterThan(0);
    for (const review of reviews) expect(review.author.name).toEqual(expect.any(String));

    const dash = (await stack.query(example('dashboard(userId').query, undefined, auth)).body.data.dashboard;
    expect(dash.user.name).toBe('Ada Lovelace');
    expect(dash.recentOrders.length).toBeGreaterThan(0);
    expect(dash.recommendedProducts.length).toBeGreaterThan(0);

    const product = (await (await fetch(`${stack.mocks.catalog.url}/products/SKU-0001`)).json()) as { price: number };
    const created = (await stack.query(example('mutation { createOrder').query, undefined, auth)).body.data.createOrder;
    expect(created).toEqual({ id: expect.any(String), total: 2 * product.price });
  });

  it('without a token the same queries answer, refused fields null with UNAUTHENTICATED or FORBIDDEN at their paths', async () => {
    const before = stack.mocks.orders.stats().routes['POST /orders'] ?? 0;
    for (const { query } of EXAMPLES) {
      const { status, body } = await stack.query(query);
      expect(status).toBe(200);
      for (const error of body.errors ?? []) {
        expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(error.extensions?.code);
        expect(error.path?.length).toBeGreaterThan(0);
      }
      if (query.includes('email') || query.includes('createOrder')) expect(body.errors?.length).toBeGreaterThan(0);
    }
    // The anonymous mutation never reached the orders service.
    expect(stack.mocks.orders.stats().routes['POST /orders'] ?? 0).toBe(before);
  });

  it('the anonymous answer to `{ user(id: "1") { name email } }` is the one docs/auth.md shows', async () => {
    const { body } = await stack.query('{ user(id: "1") { name email } }');
    expect(body).toEqual(documentedJson('"email": null'));
  });
});
