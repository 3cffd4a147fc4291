import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const SECRET = 'apollo-client-test-secret-0123456789abcdef';

/** What a web app does: Apollo Client 4 over HTTP, normalized cache, its own headers and __typename. */
function clientFor(stack: Stack, options: { token?: string; persisted?: boolean; sent?: string[] } = {}) {
  const http = new HttpLink({
    uri: `${stack.url}/graphql`,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    fetch: (url, init) => {
      options.sent?.push(String(init?.body));
      return fetch(url, init);
    },
  });
  const persisted = new PersistedQueryLink({ sha256: (query: string) => createHash('sha256').update(query).digest('hex') });
  return new ApolloClient({
    link: options.persisted ? ApolloLink.from([persisted, http]) : http,
    cache: new InMemoryCache(),
    clientAwareness: { name: 'web', version: '1.0.0' },
  });
}

const token = (sub: string, scope: string) =>
  new SignJWT({ scope }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));

describe('a real Apollo Client', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { JWT_SECRET: SECRET } });
  });
  afterAll(() => stack.close());

  it('reads across subgraphs with fragments, variables and the __typename it adds', async () => {
    const client = clientFor(stack, { token: await token('1', 'user:email') });
    const { data, error } = await client.query<any>({
      query: gql`
        fragment ProductCard on Product { sku title price reviews { rating author { name } } }
        query Profile($id: ID!) { user(id: $id) { id name email orders { id total items { quantity product { ...ProductCard } } } } }
      `,
      variables: { id: '1' },
    });
    expect(error).toBeUndefined();
    expect(data.user).toMatchObject({ __typename: 'User', id: '1', name: 'Ada Lovelace', email: 'ada@example.com' });
    const product = data.user.orders[0].items[0].product;
    expect(product.__typename).toBe('Product');
    expect(product.title).toEqual(expect.any(String));
    // The normalized cache can answer it again without the network.
    const cached = client.readQuery<any>({ query: gql`query { user(id: "1") { id name } }` });
    expect(cached?.user.name).toBe('Ada Lovelace');
  });

  it('gets partial data and coded errors with errorPolicy "all"', async () => {
    const client = clientFor(stack);
    const { data, error } = await client.query<any>({
      query: gql`query { user(id: "2") { id name email } }`,
      errorPolicy: 'all',
    });
    expect(data.user.name).toEqual(expect.any(String));
    expect(data.user.email).toBeNull();
    const graphQLErrors = (error as any)?.errors ?? [];
    expect(graphQLErrors.map((e: any) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('runs a mutation as a signed-in viewer', async () => {
    const client = clientFor(stack, { token: await token('7', '') });
    const { data } = await client.mutate<any>({
      mutation: gql`mutation Create($input: CreateOrderInput!) { createOrder(input: $input) { id total items { quantity } } }`,
      variables: { input: { userId: '7', items: [{ sku: 'SKU-0003', quantity: 2 }] } },
    });
    expect(data.createOrder.id).toEqual(expect.any(String));
    expect(data.createOrder.items[0].quantity).toBe(2);
  });

  it('uses automatic persisted queries: the second request sends only the hash', async () => {
    const sent: string[] = [];
    const client = clientFor(stack, { persisted: true, sent });
    const query = gql`query Light { product(sku: "SKU-0009") { sku title } }`;
    const first = await client.query<any>({ query, fetchPolicy: 'network-only' });
    const second = await client.query<any>({ query, fetchPolicy: 'network-only' });
    expect(first.data.product.sku).toBe('SKU-0009');
    expect(second.data).toEqual(first.data);
    // Hash only (unknown) → hash and query (registered) → hash only (known).
    const withQuery = sent.map((body) => 'query' in JSON.parse(body));
    expect(withQuery).toEqual([false, true, false]);
  });
});
