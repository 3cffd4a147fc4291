import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileRegistryStore } from '../../src/registry/stores/fileStore.js';
import { registration as reg, tempDir } from '../helpers/registryFixtures.js';
import { checkRestore, checkStoredSupergraph } from '../helpers/storedSupergraphContract.js';


describe('file registry store', () => {
  const dirs: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await d.remove();
  });
  const store = async () => {
    const dir = await tempDir();
    dirs.push(dir);
    return { store: new FileRegistryStore(join(dir.path, 'data')), dir: join(dir.path, 'data') };
  };

  it('starts empty at version 0 without creating anything', async () => {
    const { store: s } = await store();
    expect(await s.read()).toEqual({ version: 0, subgraphs: [] });
  });

  it('commits only against the current version, and every commit adds one', async () => {
    const { store: s } = await store();
    expect(await s.commit(0, { kind: 'put', registration: reg('a') })).toBe(1);
    expect(await s.commit(0, { kind: 'put', registration: reg('b') })).toBeUndefined();
    expect(await s.commit(1, { kind: 'put', registration: reg('b') })).toBe(2);
    expect(await s.commit(2, { kind: 'delete', name: 'a' })).toBe(3);
    const snapshot = await s.read();
    expect(snapshot.version).toBe(3);
    expect(snapshot.subgraphs.map((r) => r.name)).toEqual(['b']);
    expect(await s.commit(3, { kind: 'replace', registrations: [reg('c'), reg('d')] })).toBe(4);
    expect((await s.read()).subgraphs.map((r) => r.name).sort()).toEqual(['c', 'd']);
  });

  it('lets only one of two racing commits win', async () => {
    const { store: s } = await store();
    const results = await Promise.all([s.commit(0, { kind: 'put', registration: reg('a') }), s.commit(0, { kind: 'put', registration: reg('b') })]);
    expect(results.filter((r) => r === 1)).toHaveLength(1);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
  });

  it('writes through a temporary file and a rename, leaving one complete file', async () => {
    const { store: s, dir } = await store();
    for (let v = 0; v < 5; v++) await s.commit(v, { kind: 'put', registration: reg(`s${v}`) });
    expect(await readdir(dir)).toEqual(['registry.json']);
    const file = JSON.parse(await readFile(join(dir, 'registry.json'), 'utf8'));
    expect(file.version).toBe(5);
    expect(Object.keys(file.subgraphs)).toHaveLength(5);
  });

  it('keeps health apart from versions and drops it with the subgraph', async () => {
    const { store: s } = await store();
    await s.commit(0, { kind: 'put', registration: reg('a') });
    await s.recordHealth('a', { ok: true, at: 'now' });
    expect(await s.head()).toEqual({ version: 1, registered: 1 });
    expect(await s.health()).toEqual({ a: { ok: true, at: 'now' } });
    await s.commit(1, { kind: 'delete', name: 'a' });
    expect(await s.health()).toEqual({});
  });

  it('tells watchers about each commit, and a new instance reads what an old one wrote', async () => {
    const { store: s, dir } = await store();
    const seen: number[] = [];
    s.watch((v) => seen.push(v));
    await s.commit(0, { kind: 'put', registration: reg('a') });
    await s.commit(1, { kind: 'put', registration: reg('b') });
    expect(seen).toEqual([1, 2]);
    await s.close();
    const reopened = new FileRegistryStore(dir);
    expect((await reopened.read()).subgraphs.map((r) => r.name).sort()).toEqual(['a', 'b']);
  });

  it('keeps the supergraph composed with a change; one composed later only for the current version, first one wins', async () => {
    await checkStoredSupergraph((await store()).store, reg);
  });

  it('restores a lost set at the version the replica serves, only from the version seen', async () => {
    await checkRestore((await store()).store, reg);
  });
});
