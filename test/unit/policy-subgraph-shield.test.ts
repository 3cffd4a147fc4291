import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { deny } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
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
