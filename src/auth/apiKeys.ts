import { createHash } from 'node:crypto';
import type { ApiKeyEntry } from './config.js';
import { apiKeyViewer, type Viewer } from './viewer.js';

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Partner API keys, looked up by the SHA-256 of the presented key: the keys themselves are never
 * configured or held, and a lookup by hash reveals nothing about how close a wrong key was.
 */
export function createApiKeyLookup(entries: readonly ApiKeyEntry[]): (key: string) => Viewer | undefined {
  const byHash = new Map<string, Viewer>(entries.map((e) => [e.sha256, apiKeyViewer(e.id, { scopes: e.scopes, client: e.client ?? e.id })]));
  return (key) => (byHash.size === 0 ? undefined : byHash.get(sha256Hex(key)));
}
