import type { Route } from './types.js';

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export type MatchResult = { kind: 'found'; match: RouteMatch } | { kind: 'method'; allow: string[] } | { kind: 'none' };

interface Compiled {
  route: Route;
  segments: readonly string[];
}

const split = (path: string): string[] => path.split('/').filter((s) => s !== '');

/**
 * Matches `:param` routes. Routes whose literal segments match win over parameters,
 * so `/products/search` beats `/products/:sku` whatever the registration order.
 */
export function createRouter(routes: readonly Route[]): (method: string, path: string) => MatchResult {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: split(route.pattern) }));
  return (method, path) => {
    const parts = split(path);
    let best: { c: Compiled; params: Record<string, string>; literals: number } | undefined;
    const allow = new Set<string>();
    for (const c of compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method !== method) {
        allow.add(c.route.method);
        continue;
      }
      const literals = c.segments.filter((s) => !s.startsWith(':')).length;
      if (!best || literals > best.literals) best = { c, params, literals };
    }
    if (best) return { kind: 'found', match: { route: best.c.route, params: best.params } };
    if (allow.size > 0) return { kind: 'method', allow: [...allow] };
    return { kind: 'none' };
  };
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const part = parts[i]!;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed escape: treat as no match, answered with 404
      }
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
