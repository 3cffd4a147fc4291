import type { CacheHint } from '@apollo/cache-control-types';

/** Reads a subgraph's `Cache-Control` header as a cache hint, as Apollo's RemoteGraphQLDataSource does. */
export function cacheHintFromHeader(header: string | string[] | undefined): CacheHint {
  const value = Array.isArray(header) ? header.join(',') : header;
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!value) return hint;
  for (const part of value.split(',')) {
    const [rawName, rawArg] = part.trim().split('=');
    const name = rawName?.toLowerCase();
    if (name === 'max-age' && rawArg && /^[0-9]+$/.test(rawArg)) hint.maxAge = Number(rawArg);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}
