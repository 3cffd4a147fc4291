import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shardIndex } from '../../src/cache/responseStore.js';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors/configError.js';
import { parseClusterNodes, withCredentials } from '../../src/redis/target.js';
import { importsOf, sourceFiles } from '../helpers/sources.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('reads host:port seeds and redis:// URLs with their credentials', () => {
    expect(parseClusterNodes(['10.0.0.1:7000', 'redis://10.0.0.2:7001'])).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      tls: false,
    });
    expect(parseClusterNodes(['rediss://app:s%40cret@cache.internal:6380', 'rediss://app:s%40cret@[::1]:6381'])).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'cache.internal', port: 6380 },
        { host: '::1', port: 6381 },
      ],
      tls: true,
      username: 'app',
      password: 's@cret',
    });
  });

  it('refuses seeds without a port, with a database, another scheme, or credentials that differ', () => {
    expect(() => parseClusterNodes([])).toThrow(/at least one node/);
    expect(() => parseClusterNodes(['10.0.0.1'])).toThrow(/10\.0\.0\.1: needs a host and a port/);
    expect(() => parseClusterNodes(['redis://10.0.0.1:7000/2'])).toThrow(/one database/);
    expect(() => parseClusterNodes(['http://10.0.0.1:7000'])).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseClusterNodes(['redis://a:1@h:7000', 'redis://a:2@h:7001'])).toThrow(/redis:\/\/a:\*\*\*@h:7001: every node needs the same scheme and credentials as redis:\/\/a:\*\*\*@h:7000/);
    expect(() => parseClusterNodes(['h:7000', 'rediss://h:7001'])).toThrow(/same scheme/);
  });

  it('is exclusive with REDIS_URL, and a bad seed stops start-up naming the variable', () => {
    const base = { SUPERGRAPH_FILE: 'x.graphql' };
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' }).redis).toMatchObject({ kind: 'cluster', nodes: [{ port: 7000 }, { port: 7001 }] });
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(loadConfig(base).redis).toBeUndefined();
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' })).toThrow(/not both/);
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: '127.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES: 127\.0\.0\.1: needs a host and a port/);
    // A password never reaches the message.
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'rediss://app:hunter2@h:7000/3' })).toThrow(/rediss:\/\/app:\*\*\*@h:7000\/3: a cluster has one database/);
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'rediss://app:hunter2@h:7000/3' })).not.toThrow(/hunter2/);
  });
});

describe('REDIS_USERNAME and REDIS_PASSWORD', () => {
  const base = { SUPERGRAPH_FILE: 'x.graphql' };

  it('give one Redis or every cluster node credentials kept apart from the address', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'redis://redis:6379/2', REDIS_PASSWORD: 'p@ss:w/rd%' }).redis).toEqual({
      kind: 'single',
      url: 'redis://redis:6379/2',
      password: 'p@ss:w/rd%',
    });
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: 'a:7000,b:7001', REDIS_USERNAME: 'app', REDIS_PASSWORD: 's3cret' }).redis).toMatchObject({
      kind: 'cluster',
      username: 'app',
      password: 's3cret',
    });
  });

  it('are refused beside credentials in the address, or without a Redis, and the value is never echoed', () => {
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://:old@redis:6379', REDIS_PASSWORD: 'hunter2' })).toThrow(/REDIS_PASSWORD: REDIS_URL carries credentials too/);
    expect(() => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'redis://app:old@a:7000', REDIS_PASSWORD: 'hunter2' })).toThrow(/REDIS_PASSWORD: REDIS_CLUSTER_NODES carries credentials too/);
    expect(() => loadConfig({ ...base, REDIS_USERNAME: 'app' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, REDIS_PASSWORD: 'hunter2' })).toThrow(/REDIS_PASSWORD: set REDIS_URL or REDIS_CLUSTER_NODES too/);
    expect(() => loadConfig({ ...base, REDIS_PASSWORD: 'hunter2' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD: '' })).toThrow(/REDIS_PASSWORD/);
  });

  it('leave a target alone when neither is set', () => {
    const target = { kind: 'single', url: 'redis://:inline@redis:6379' } as const;
    expect(withCredentials(target, {})).toBe(target);
  });
});

describe('response-cache shards', () => {
  it('puts a key in the same shard every time, and spreads keys over all of them', () => {
    expect(shardIndex('GetProduct:abc', 16)).toBe(shardIndex('GetProduct:abc', 16));
    expect(shardIndex('anything', 1)).toBe(0);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardIndex(`op:${i}:${'v'.repeat(i % 7)}`, 16)]! += 1;
    // Each shard gets a fair share (1 000 expected): none is empty or holds twice its share.
    expect(Math.min(...counts)).toBeGreaterThan(700);
    expect(Math.max(...counts)).toBeLessThan(1_300);
  });
});

describe('Redis use in the product', () => {
  const product = sourceFiles();

  it('walks no keyspace: no KEYS, SCAN or FLUSHALL/FLUSHDB, which a cluster answers per node and which block a big Redis', () => {
    const offenders = product.filter((file) => /\b(?:scanIterator|flushAll|flushDb|FLUSHALL|FLUSHDB)\b|['"](?:KEYS|SCAN)['"]|\.keys\(\s*['"`]/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('talks to Redis through one client library, node-redis', () => {
    const libraries = new Set(product.flatMap((file) => importsOf(file).map((i) => i.specifier)).filter((s) => !s.startsWith('.') && /redis/i.test(s)));
    expect([...libraries].sort()).toEqual(['@keyv/redis', '@redis/client']);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).filter((name) => /redis/i.test(name)).sort()).toEqual(['@keyv/redis', '@redis/client']);
  });
});
