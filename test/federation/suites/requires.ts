import type { Suite } from '../harness.js';

/**
 * `@requires`: with field arguments (the same field required twice with different arguments, and
 * asked by the client with a third), with fragments on a union, and a requirement that itself
 * requires. A blog: posts, their comments (`limit` argument), and insights computed from them.
 */

const POSTS = [
  { id: 'p1', title: 'Hello', words: 1200 },
  { id: 'p2', title: 'Again', words: 300 },
];
const COMMENTS = [
  { id: 'c1', postId: 'p1', authorId: 'a1', attachment: { kind: 'Image', width: 40, height: 30 } },
  { id: 'c2', postId: 'p1', authorId: 'a2', attachment: { kind: 'Link', url: 'https://example.com/x' } },
  { id: 'c3', postId: 'p1', authorId: 'a3', attachment: null },
  { id: 'c4', postId: 'p1', authorId: 'a1', attachment: null },
  { id: 'c5', postId: 'p2', authorId: 'a3', attachment: { kind: 'Image', width: 10, height: 10 } },
  { id: 'c6', postId: 'p2', authorId: 'a2', attachment: null },
];
const commentsOf = (postId: string, limit: number) => COMMENTS.filter((c) => c.postId === postId).slice(0, limit);
const postById = (id: string) => POSTS.find((p) => p.id === id) ?? null;

/**
 * Apollo's planner fetches a required field by its name alone: the client's \`comments(limit: 2)\`
 * or another requirement's \`comments(limit: 1)\` is what the representation is built from, so the
 * subgraph gets the wrong comments.
 */
const WRONG_ARGUMENTS = 'the representation is built from the same field fetched with other arguments';

/**
 * With one requirement behind \`@include\`, Apollo's planner (and Hive's) asks for \`comments(limit: 1)\`
 * and, in a conditional fragment, \`comments(limit: 3)\` under the same name: the subgraph refuses the
 * whole operation, whatever the variable says.
 */
const CONFLICT = 'the entity fetch asks for comments twice under one name with different arguments, which the subgraph refuses';

const blog = {
  name: 'blog',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { posts: [Post!]! }
    type Post @key(fields: "id") { id: ID! title: String! wordCount: Int! }
  `,
  resolvers: {
    Query: { posts: () => POSTS.map(({ id, title, words }) => ({ id, title, wordCount: words })) },
    Post: {
      __resolveReference: ({ id }: { id: string }) => {
        const post = postById(id);
        return post && { id, title: post.title, wordCount: post.words };
      },
    },
  },
};

const discussion = {
  name: 'discussion',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Post @key(fields: "id") { id: ID! comments(limit: Int!): [Comment!]! }
    type Comment @key(fields: "id") { id: ID! authorId: ID! attachment: Attachment }
    union Attachment = Image | Link
    type Image { width: Int! height: Int! }
    type Link { url: String! }
  `,
  resolvers: {
    Post: {
      __resolveReference: ({ id }: { id: string }) => (postById(id) ? { id } : null),
      comments: ({ id }: { id: string }, { limit }: { limit: number }) => commentsOf(id, limit),
    },
    Comment: { __resolveReference: ({ id }: { id: string }) => COMMENTS.find((c) => c.id === id) ?? null },
    Attachment: { __resolveType: (a: { kind: string }) => a.kind },
  },
};

interface Required {
  id: string;
  comments?: { authorId: string }[];
  wordCount?: number;
  readingMinutes?: number;
}

const insights = {
  name: 'insights',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
    type Post @key(fields: "id") {
      id: ID!
      comments(limit: Int!): [Comment!]! @external
      wordCount: Int! @external
      firstCommenter: ID @requires(fields: "comments(limit: 1) { authorId }")
      readingMinutes: Int! @requires(fields: "wordCount")
    }
    type Comment @key(fields: "id", resolvable: false) { id: ID! authorId: ID! @external }
  `,
  resolvers: {
    Post: {
      __resolveReference: (ref: Required) => ref,
      firstCommenter: (ref: Required) => {
        if (ref.comments?.length !== 1) throw new Error(`Expected exactly 1 required comment, got ${ref.comments?.length}`);
        return ref.comments[0]!.authorId;
      },
      readingMinutes: (ref: Required) => Math.ceil(ref.wordCount! / 200),
    },
  },
};

const audience = {
  name: 'audience',
  typeDefs: /* GraphQL */ `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
    type Post @key(fields: "id") {
      id: ID!
      comments(limit: Int!): [Comment!]! @external
      readingMinutes: Int! @external
      recentCommenters: [ID!]! @requires(fields: "comments(limit: 3) { authorId }")
      mediaScore: Int! @requires(fields: "comments(limit: 10) { attachment { ... on Image { width height } ... on Link { url } } }")
      summary: String! @requires(fields: "readingMinutes")
    }
    type Comment @key(fields: "id", resolvable: false) { id: ID! authorId: ID! @external attachment: Attachment @external }
    union Attachment = Image | Link
    type Image { width: Int! @external height: Int! @external }
    type Link { url: String! @external }
  `,
  resolvers: {
    Post: {
      __resolveReference: (ref: Required) => ref,
      recentCommenters: (ref: Required) => {
        if ((ref.comments?.length ?? 0) > 3) throw new Error(`Expected at most 3 required comments, got ${ref.comments?.length}`);
        return [...new Set(ref.comments!.map((c) => c.authorId))];
      },
      // An image counts its area, a link 1: checks that each member's fields arrived.
      mediaScore: (ref: { comments: { attachment: { width?: number; height?: number; url?: string } | null }[] }) =>
        ref.comments.reduce((sum, { attachment: a }) => sum + (!a ? 0 : a.url ? 1 : a.width! * a.height!), 0),
      summary: (ref: Required) => `${ref.readingMinutes} min read`,
    },
  },
};

export const requiresSuite: Suite = {
  name: 'requires',
  subgraphs: [blog, discussion, insights, audience],
  cases: [
    {
      name: '@requires of a field with an argument',
      query: '{ posts { id firstCommenter } }',
      expected: { data: { posts: [{ id: 'p1', firstCommenter: 'a1' }, { id: 'p2', firstCommenter: 'a3' }] } },
    },
    {
      name: '@requires with an argument, and the client asks the same field with another argument',
      apolloWrong: WRONG_ARGUMENTS,
      query: '{ posts { id comments(limit: 2) { id } recentCommenters } }',
      expected: {
        data: {
          posts: [
            { id: 'p1', comments: [{ id: 'c1' }, { id: 'c2' }], recentCommenters: ['a1', 'a2', 'a3'] },
            { id: 'p2', comments: [{ id: 'c5' }, { id: 'c6' }], recentCommenters: ['a3', 'a2'] },
          ],
        },
      },
    },
    {
      name: 'two @requires of the same field with different arguments',
      apolloWrong: WRONG_ARGUMENTS,
      query: '{ posts { firstCommenter recentCommenters } }',
      expected: {
        data: {
          posts: [
            { firstCommenter: 'a1', recentCommenters: ['a1', 'a2', 'a3'] },
            { firstCommenter: 'a3', recentCommenters: ['a3', 'a2'] },
          ],
        },
      },
    },
    {
      name: '@requires with an argument, the client asking the field with a variable',
      apolloWrong: WRONG_ARGUMENTS,
      query: 'query ($n: Int = 1) { posts { comments(limit: $n) { authorId } recentCommenters } }',
      expected: {
        data: {
          posts: [
            { comments: [{ authorId: 'a1' }], recentCommenters: ['a1', 'a2', 'a3'] },
            { comments: [{ authorId: 'a3' }], recentCommenters: ['a3', 'a2'] },
          ],
        },
      },
    },
    {
      name: 'two @requires of the same field with different arguments, under two aliases of the parent',
      apolloWrong: WRONG_ARGUMENTS,
      query: '{ a: posts { recentCommenters mediaScore } b: posts { id firstCommenter } }',
      expected: {
        data: {
          a: [
            { recentCommenters: ['a1', 'a2', 'a3'], mediaScore: 1201 },
            { recentCommenters: ['a3', 'a2'], mediaScore: 100 },
          ],
          b: [
            { id: 'p1', firstCommenter: 'a1' },
            { id: 'p2', firstCommenter: 'a3' },
          ],
        },
      },
    },
    {
      name: 'two @requires of the same field with different arguments, one behind @include (included)',
      query: 'query ($recent: Boolean!) { posts { firstCommenter recentCommenters @include(if: $recent) } }',
      variables: { recent: true },
      expected: {
        data: {
          posts: [
            { firstCommenter: 'a1', recentCommenters: ['a1', 'a2', 'a3'] },
            { firstCommenter: 'a3', recentCommenters: ['a3', 'a2'] },
          ],
        },
      },
      apolloWrong: WRONG_ARGUMENTS,
    },
    {
      name: 'two @requires of the same field with different arguments, one behind @include (left out)',
      apolloWrong: CONFLICT,
      query: 'query ($recent: Boolean!) { posts { firstCommenter recentCommenters @include(if: $recent) } }',
      variables: { recent: false },
      expected: { data: { posts: [{ firstCommenter: 'a1' }, { firstCommenter: 'a3' }] } },
    },
    {
      name: '@requires with inline fragments on a union',
      query: '{ posts { id mediaScore } }',
      expected: { data: { posts: [{ id: 'p1', mediaScore: 1201 }, { id: 'p2', mediaScore: 100 }] } },
    },
    {
      name: '@requires of a field that itself @requires',
      query: '{ posts { title summary } }',
      expected: { data: { posts: [{ title: 'Hello', summary: '6 min read' }, { title: 'Again', summary: '2 min read' }] } },
    },
    {
      name: '@requires next to the required field, asked by the client',
      query: '{ posts { wordCount readingMinutes } }',
      expected: { data: { posts: [{ wordCount: 1200, readingMinutes: 6 }, { wordCount: 300, readingMinutes: 2 }] } },
    },
  ],
};
