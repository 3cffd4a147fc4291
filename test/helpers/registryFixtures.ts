import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MockSet } from '../../services-mock/index.js';
import type { Registration } from '../../src/registry/registryStore.js';
import { ROOT } from './processes.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A temporary directory, removed by the returned `remove`. */
export async function tempDir(prefix = 'tessera-registry-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * The demo supergraph without reviews (the subgraph the tests publish): the in-process
 * users/orders/catalog/bff and the remote inventory mock.
 */
export async function writeSupergraphWithoutReviews(dir: string, mocks: MockSet): Promise<string> {
  const schema = (name: string) => JSON.stringify(join(ROOT, 'schema', `${name}.graphql`));
  const yaml = `subgraphs:
  users: { routing_url: "local://users", schema: { file: ${schema('users')} } }
  orders: { routing_url: "local://orders", schema: { file: ${schema('orders')} } }
  catalog: { routing_url: "local://catalog", schema: { file: ${schema('catalog')} } }
  bff: { routing_url: "local://bff", schema: { file: ${schema('bff')} } }
  inventory: { routing_url: "${mocks.inventory.url}/graphql" }
`;
  const path = join(dir, 'supergraph.yaml');
  await writeFile(path, yaml);
  return path;
}

/** Fails composition: Product.price is Float! in catalog and not shareable. */
export const CONFLICTING_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { conflicting: Product }
  type Product @key(fields: "sku") { sku: ID! price: String! }
`;

export const adminHeaders = (token = ADMIN_TOKEN): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

export async function admin(base: string, method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: adminHeaders(token),
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* yaml or text */
  }
  return { status: res.status, body: parsed };
}

/** A stored registration for store-level tests; `change` overrides any field. */
export const registration = (name: string, change: Partial<Registration> = {}): Registration => ({
  name,
  url: `http://127.0.0.1/${name}`,
  sdl: 'type Query { a: Int }',
  sdlHash: 'h',
  registeredAt: new Date(0).toISOString(),
  registeredBy: 'test',
  ...change,
});
