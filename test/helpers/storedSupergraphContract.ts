import { expect } from 'vitest';
import type { Registration, RegistryStore } from '../../src/registry/registryStore.js';

/**
 * What every registry store promises about the supergraph kept beside the registered set: the one
 * composed with a change is stored with it; one composed later is kept only for the current
 * version, and the first one wins; a change stored without one leaves none behind.
 */
export async function checkStoredSupergraph(store: RegistryStore, reg: (name: string) => Registration): Promise<void> {
  const v0 = await store.version();
  const kept = (version: number, name: string) => ({ version, inputsHash: `in-${name}`, supergraphSdl: `sdl-${name}`, id: `id-${name}` });
  expect(await store.saveSupergraph(kept(v0 + 1, 'future'))).toBe(false);
  expect(await store.saveSupergraph(kept(v0, 'a'))).toBe(true);
  expect(await store.saveSupergraph(kept(v0, 'b'))).toBe(false);
  expect(await store.readSupergraph()).toEqual(kept(v0, 'a'));
  const v1 = (await store.commit(v0, { kind: 'put', registration: reg('with') }, { inputsHash: 'in-c', supergraphSdl: 'sdl-c', id: 'id-c' }))!;
  expect(v1).toBe(v0 + 1);
  expect(await store.readSupergraph()).toEqual(kept(v1, 'c'));
  await store.commit(v1, { kind: 'put', registration: reg('without') });
  expect(await store.readSupergraph()).toBeUndefined();
}
