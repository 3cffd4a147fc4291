import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors/configError.js';
import { envSchema, parseEnv } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/index.js';
import { parseSupergraphConfig, printSupergraphConfig } from '../../src/config/supergraphConfig.js';
import { appEnvSchema } from '../../tessera.config.js';

describe('environment', () => {
  it('applies defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(4000);
    expect(env.SUBGRAPH_TIMEOUT_MS).toBe(3_000);
    expect(env.NODE_ENV).toBe('development');
  });

  it('rejects bad values and names each one', () => {
    try {
      parseEnv({ PORT: 'abc', SUBGRAPH_TIMEOUT_MS: '-5', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('PORT="abc"');
      expect(message).toContain('SUBGRAPH_TIMEOUT_MS="-5"');
      expect(message).toContain('LOG_LEVEL="loud"');
    }
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ SUPERGRAPH_FILE: 'x.graphql' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow();
  });

  it('production turns introspection and the explorer off unless enabled', () => {
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', NODE_ENV: 'production' })).toMatchObject({ introspection: false, explorer: false });
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ SUPERGRAPH_FILE: 'x' })).toMatchObject({ introspection: true, explorer: true });
    // SANDBOX, its old name, is still read; EXPLORER wins when both are set.
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', SANDBOX: 'false' }).explorer).toBe(false);
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', SANDBOX: 'false', EXPLORER: 'true' }).explorer).toBe(true);
  });

  it('keys the response cache on every propagated header but those declared unkeyed, and refuses a stray declaration', () => {
    expect(loadConfig({ SUPERGRAPH_FILE: 'x' }).cache.keyHeaders).toEqual(['accept-language']);
    const config = loadConfig({ SUPERGRAPH_FILE: 'x', PROPAGATE_HEADERS: 'X-Tenant,accept-language,x-debug', CACHE_UNKEYED_HEADERS: 'X-Debug' });
    expect(config.cache.keyHeaders).toEqual(['accept-language', 'x-tenant']);
    expect(() => loadConfig({ SUPERGRAPH_FILE: 'x', CACHE_UNKEYED_HEADERS: 'x-tenant' })).toThrow(/CACHE_UNKEYED_HEADERS: x-tenant is not in PROPAGATE_HEADERS/);
  });

  it("keeps the breaker's window at least twice the subgraph timeout, or refuses to start", () => {
    expect(loadConfig({ SUPERGRAPH_FILE: 'x' }).breaker).toMatchObject({ windowMs: 10_000, consecutiveFailures: 5 });
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', SUBGRAPH_TIMEOUT_MS: '8000' }).breaker.windowMs).toBe(16_000);
    expect(loadConfig({ SUPERGRAPH_FILE: 'x', SUBGRAPH_TIMEOUT_MS: '8000', BREAKER_WINDOW_MS: '20000' }).breaker.windowMs).toBe(20_000);
    expect(() => loadConfig({ SUPERGRAPH_FILE: 'x', SUBGRAPH_TIMEOUT_MS: '10000', BREAKER_WINDOW_MS: '10000' })).toThrow(
      /BREAKER_WINDOW_MS=10000: must be at least twice SUBGRAPH_TIMEOUT_MS \(20000\)/,
    );
  });

  it('lists every variable in .env.example', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    for (const name of [...Object.keys(envSchema.shape), ...Object.keys(appEnvSchema.shape), 'REVIEWS_URL', 'INVENTORY_URL']) {
      expect(listed, `${name} missing from .env.example`).toContain(name);
    }
  });
});

describe('supergraph.yaml', () => {
  it('parses Rover format with env expansion', () => {
    const specs = parseSupergraphConfig(
      `subgraphs:
  users:
    routing_url: local://users
    schema: { file: ./users.graphql }
  reviews:
    routing_url: \${env.R_URL:-http://127.0.0.1:1/graphql}
  inventory:
    routing_url: http://inv/graphql
    schema: { subgraph_url: http://inv-admin/graphql }
`,
      { R_URL: 'http://127.0.0.1:9/graphql' },
    );
    expect(specs).toEqual([
      { name: 'users', routingUrl: 'local://users', schema: { kind: 'file', path: './users.graphql' } },
      { name: 'reviews', routingUrl: 'http://127.0.0.1:9/graphql', schema: { kind: 'introspect', url: 'http://127.0.0.1:9/graphql' } },
      { name: 'inventory', routingUrl: 'http://inv/graphql', schema: { kind: 'introspect', url: 'http://inv-admin/graphql' } },
    ]);
    expect(parseSupergraphConfig(printSupergraphConfig(specs))).toEqual(specs);
  });

  it('reports every problem', () => {
    expect(() => parseSupergraphConfig('subgraphs:\n  a:\n    schema: { file: x }\n  "bad name": {}\n')).toThrow(/bad name[\s\S]*|routing_url/);
    expect(() => parseSupergraphConfig('subgraphs:\n  a:\n    routing_url: ${env.MISSING}\n')).toThrow(/MISSING/);
    expect(() => parseSupergraphConfig(': : :')).toThrow(ConfigError);
  });

  it('the demo supergraph.yaml loads', () => {
    const config = loadConfig({});
    expect(config.supergraph.kind).toBe('compose');
    if (config.supergraph.kind === 'compose') {
      expect(config.supergraph.subgraphs.map((s) => s.name).sort()).toEqual(['bff', 'catalog', 'inventory', 'orders', 'reviews', 'users']);
    }
  });
});
