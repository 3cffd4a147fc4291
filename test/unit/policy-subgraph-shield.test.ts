import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import type { CacheHint } from '@apollo/cache-control-types';
import { allow, deny } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { trackCachePolicy } from '../../src/cache/operationCachePolicy.js';
import type { TesseraContext } from '../../src/graphql/context.js';
import { withSubgraphRules } from '../../src/policy/subgraphShield.js';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { thing: Thing other: Other }
  type Thing @key(fields: "open") { open: String secret: String }
  type Other { a: String b: String }
`);
const schema = buildSubgraphSchema({
  typeDefs,
  resolvers: { Query: { thing: () => ({ open: 'o', secret: 's' }), other: () => ({ a: 'a', b: 'b' }) } },
});

async function run(rules: Parameters<typeof withSubgraphRules>[1]) {
  const [shielded] = withSubgraphRules({ subgraphs: [{ name: 'x', schema }], close: async () => {} }, rules).subgraphs;
  return execute({ schema: shielded!.schema, document: parse('{ thing { open secret } other { a b } }'), contextValue: {} });
}

describe('subgraph shield', () => {
  it('guards the fields named in a field map and leaves the others alone', async () => {
    const result = await run({ x: { Thing: { secret: deny } } });
    expect(result.data).toEqual({ thing: { open: 'o', secret: null }, other: { a: 'a', b: 'b' } });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([['thing.secret', 'FORBIDDEN']]);
  });

  it('a rule for a whole type guards every field of it', async () => {
    const result = await run({ x: { Other: deny } });
    expect(result.data).toEqual({ thing: { open: 'o', secret: 's' }, other: { a: null, b: null } });
    expect(result.errors).toHaveLength(2);
  });
});

describe('subgraph shield and caching', () => {
  it('an answer that reached a ruled field is private; one that did not is left alone', async () => {
    const [shielded] = withSubgraphRules({ subgraphs: [{ name: 'x', schema }], close: async () => {} }, { x: { Thing: { secret: allow } } }).subgraphs;
    const hintsOf = async (query: string) => {
      const hints: CacheHint[] = [];
      const context = { exchange: {} } as unknown as TesseraContext;
      trackCachePolicy(context, { restrict: (hint) => hints.push(hint) });
      const result = await execute({ schema: shielded!.schema, document: parse(query), contextValue: context });
      expect(result.errors).toBeUndefined();
      return hints;
    };
    expect(await hintsOf('{ thing { open secret } }')).toEqual([{ scope: 'PRIVATE' }]);
    expect(await hintsOf('{ thing { open } other { a } }')).toEqual([]);
  });
});
