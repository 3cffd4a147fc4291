import { expect } from 'vitest';
import type { Registration, RegistryStore } from '../../src/registry/registryStore.js';

/**
 * What every registry store promises about the supergraphs kept beside the registered set: one per
 * inputs hash, for the current version only. The one composed with a change is stored with it and
 * every other dropped; one composed later is kept only while its version is current.
 */
export async function checkStoredSupergraph(store: RegistryStore, reg: (name: string) => Registration): Promise<void> {
  const v0 = (await store.head()).version;
  const kept = (version: number, name: string) => ({ version, inputsHash: `in-${name}`, supergraphSdl: `sdl-${name} "quoted" / \\ é`, id: `id-${name}` });
  expect(await store.saveSupergraph(kept(v0 + 1, 'future'))).toBe(false);
  expect(await store.readSupergraph('in-future')).toBeUndefined();
  // Two replicas with different inputs (their own supergraph.yaml, another composer) each keep theirs.
  expect(await store.saveSupergraph(kept(v0, 'a'))).toBe(true);
  expect(await store.saveSupergraph(kept(v0, 'b'))).toBe(true);
  expect(await store.readSupergraph('in-a')).toEqual(kept(v0, 'a'));
  expect(await store.readSupergraph('in-b')).toEqual(kept(v0, 'b'));
  const v1 = (await store.commit(v0, { kind: 'put', registration: reg('with') }, { inputsHash: 'in-c', supergraphSdl: kept(0, 'c').supergraphSdl, id: 'id-c' }))!;
  expect(v1).toBe(v0 + 1);
  expect(await store.readSupergraph('in-c')).toEqual(kept(v1, 'c'));
  expect(await store.readSupergraph('in-a')).toBeUndefined();
  // A change stored without its supergraph leaves none behind, rather than an older one.
  await store.commit(v1, { kind: 'put', registration: reg('without') });
  expect(await store.readSupergraph('in-c')).toBeUndefined();
}

/**
 * What every registry store promises about `restore`: it puts a set back at the higher version the
 * replicas serve, only from the version the replica saw, with its supergraph; health of names that
 * are not in the set goes.
 */
export async function checkRestore(store: RegistryStore, reg: (name: string) => Registration): Promise<void> {
  const v0 = (await store.head()).version;
  const v1 = (await store.commit(v0, { kind: 'put', registration: reg('lost') }))!;
  await store.recordHealth('lost', { ok: true, at: 't' });
  const served = { version: v1 + 10, subgraphs: [reg('kept-a'), reg('kept-b')] };
  const supergraph = { inputsHash: 'in-restored', supergraphSdl: 'sdl-restored', id: 'id-restored' };
  expect(await store.restore(v0, served, supergraph)).toBe(false);
  expect((await store.head()).version).toBe(v1);
  expect(await store.restore(v1, served, supergraph)).toBe(true);
  const snapshot = await store.read();
  expect(snapshot.version).toBe(v1 + 10);
  expect(await store.head()).toEqual({ version: v1 + 10, registered: 2 });
  expect(snapshot.subgraphs.map((r) => r.name).sort()).toEqual(['kept-a', 'kept-b']);
  expect(snapshot.subgraphs.find((r) => r.name === 'kept-a')).toEqual(reg('kept-a'));
  expect(await store.readSupergraph('in-restored')).toEqual({ ...supergraph, version: v1 + 10 });
  expect(await store.health()).toEqual({});
  // Versions grow from there as before.
  expect(await store.commit(v1 + 10, { kind: 'delete', name: 'kept-b' })).toBe(v1 + 11);
}
