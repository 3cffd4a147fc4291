import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql/index.js';
import { seed, type Review } from '../data/seed.js';

export const REVIEWS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])

  type Query {
    review(id: ID!): Review
    "Highest rated first; ties by id. first is clamped to 0..100."
    topReviews(first: Int = 5): [Review!]! @listSize(slicingArguments: ["first"])
  }

  type Review @key(fields: "id") {
    id: ID!
    rating: Int!
    body: String!
    author: User!
    product: Product!
  }

  type User @key(fields: "id") {
    id: ID!
    reviews: [Review!] @listSize(assumedSize: 20)
  }

  type Product @key(fields: "sku") {
    sku: ID!
    reviews: [Review!] @listSize(assumedSize: 10)
  }
`;

const MAX_TOP = 100;

const group = (reviews: readonly Review[], key: (r: Review) => string): Map<string, Review[]> => {
  const map = new Map<string, Review[]>();
  for (const r of reviews) {
    const list = map.get(key(r));
    if (list) list.push(r);
    else map.set(key(r), [r]);
  }
  return map;
};

const reviewNumber = (r: Review): number => Number(r.id.slice(1));

export function reviewsSchema(reviews: readonly Review[] = seed().reviews): GraphQLSchema {
  const byId = new Map(reviews.map((r) => [r.id, r]));
  const byAuthor = group(reviews, (r) => r.authorId);
  const bySku = group(reviews, (r) => r.sku);
  const top = [...reviews].sort((a, b) => b.rating - a.rating || reviewNumber(a) - reviewNumber(b));

  return buildSubgraphSchema({
    typeDefs: parse(REVIEWS_SDL),
    resolvers: {
      Query: {
        review: (_: unknown, args: { id: string }) => byId.get(args.id) ?? null,
        topReviews: (_: unknown, args: { first: number }) => top.slice(0, Math.max(0, Math.min(args.first, MAX_TOP))),
      },
      Review: {
        __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null,
        author: (r: Review) => ({ __typename: 'User', id: r.authorId }),
        product: (r: Review) => ({ __typename: 'Product', sku: r.sku }),
      },
      // Users and products are owned elsewhere: any key is accepted, unknown ones have no reviews.
      User: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        reviews: (u: { id: string }) => byAuthor.get(u.id) ?? [],
      },
      Product: {
        __resolveReference: (ref: { sku: string }) => ({ sku: ref.sku }),
        reviews: (p: { sku: string }) => bySku.get(p.sku) ?? [],
      },
    },
  });
}
