import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { expect, it } from 'vitest';
import { useLocalSubgraphs } from '../helpers/stack.js';

const stack = useLocalSubgraphs();

async function fetchSdl(url: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}

it('the four local subgraphs compose with the remote reviews and inventory subgraphs', async () => {
  const remote = await Promise.all(
    (['reviews', 'inventory'] as const).map(async (name) => ({
      name,
      url: `${stack.mocks[name].url}/graphql`,
      typeDefs: parse(await fetchSdl(stack.mocks[name].url)),
    })),
  );
  const result = composeServices([
    ...stack.local.subgraphs.map((s) => ({ name: s.name, url: `local://${s.name}`, typeDefs: s.typeDefs })),
    ...remote,
  ]);
  expect(result.errors?.map((e) => e.message) ?? []).toEqual([]);
  if (result.errors) return;

  const api = result.schema.toAPISchema().toGraphQLJSSchema();
  expect(Object.keys(api.getQueryType()?.getFields() ?? {}).sort()).toEqual(
    expect.arrayContaining(['dashboard', 'order', 'product', 'review', 'searchProducts', 'user', 'users']),
  );
  expect(Object.keys(api.getMutationType()?.getFields() ?? {})).toEqual(['createOrder']);
  const product = api.getType('Product');
  expect(product && 'getFields' in product ? Object.keys(product.getFields()).sort() : []).toEqual(
    ['category', 'description', 'inStock', 'price', 'reviews', 'shippingEstimate', 'sku', 'title', 'weight'].sort(),
  );
  const user = api.getType('User');
  expect(user && 'getFields' in user ? Object.keys(user.getFields()).sort() : []).toEqual(['createdAt', 'email', 'id', 'name', 'orders', 'reviews']);
});

it('each local subgraph serves the SDL it was built from', async () => {
  for (const subgraph of stack.local.subgraphs) {
    expect(subgraph.schema.getQueryType()?.getFields()['_service']).toBeDefined();
    expect(subgraph.typeDefs.kind).toBe('Document');
  }
  expect(stack.local.subgraphs.map((s) => s.name)).toEqual(['users', 'orders', 'catalog', 'bff']);
});
