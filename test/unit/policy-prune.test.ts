import { buildSchema, parse, print, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { deny, rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { isIncluded } from '../../src/operation/document.js';
import { evaluateChecks } from '../../src/policy/evaluate.js';
import { planOperation } from '../../src/policy/operationPlan.js';
import { pruneOperation } from '../../src/policy/prune.js';
import { createRuleLookup } from '../../src/policy/ruleTree.js';
import { spliceDenials, type Denial } from '../../src/policy/splice.js';
import type { RuleTree } from '../../src/policy/rules.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String secret: String email: String! best: User }
  type Product implements Node { id: ID! title: String }
  union Result = User | Product
  type Query { me: User, node(id: ID!): Node, search(q: String): [Result!], users: [User!], must: User! }
  type Mutation { a: Int, b: Int }
`);

const DENIED: Denial = { code: 'FORBIDDEN', message: 'no' };

/** Plans, evaluates, prunes and splices like the edge plugin, with `deny` on the given rules. */
async function run(query: string, rules: RuleTree, data: Record<string, unknown> | null, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const plan = planOperation(schema, document, operation, createRuleLookup(rules, new Map(), 'allow'));
  const denials = await evaluateChecks(plan, { schema, operation, variables, context: { _shield: { cache: {} } } });
  for (const node of denials.keys()) if (!isIncluded(node, variables)) denials.delete(node);
  const pruned = pruneOperation(schema, operation, plan.fragments, new Set(denials.keys()));
  // As the plugin does: with nothing left to run, the denied root fields are spliced into an empty result.
  const spliced = spliceDenials(pruned.rootEmpty ? {} : data, {
    schema,
    operation,
    fragments: plan.fragments,
    variables,
    removed: pruned.removed,
    touched: pruned.touched,
    denialOf: (cause: FieldNode) => denials.get(cause) ?? DENIED,
  });
  return { plan, denials, pruned, printed: pruned.document ? print(pruned.document) : undefined, ...spliced };
}

const paths = (errors: { path?: readonly (string | number)[] }[]) => errors.map((e) => e.path?.join('.'));
const compact = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim();

describe('pruning and splicing at the edge', () => {
  it('removes a denied field from a named fragment and puts null at every path that reaches it, aliases included', async () => {
    const r = await run('{ me { ...F a: secret } } fragment F on User { name secret }', { User: { secret: deny } }, { me: { name: 'Ada' } });
    expect(compact(r.printed)).toBe('{ me { ...F } } fragment F on User { name }');
    expect(r.data).toEqual({ me: { name: 'Ada', secret: null, a: null } });
    // Keys follow the client's selection order.
    expect(Object.keys(r.data!.me as object)).toEqual(['name', 'secret', 'a']);
    expect(paths(r.errors)).toEqual(['me.secret', 'me.a']);
    expect(r.errors[0]!.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('a denied non-null field nulls its nearest nullable parent', async () => {
    const r = await run('{ me { name email } users { name } }', { User: { email: deny } }, { me: { name: 'Ada' }, users: [{ name: 'B' }] });
    expect(r.data).toEqual({ me: null, users: [{ name: 'B' }] });
    expect(paths(r.errors)).toEqual(['me.email']);
  });

  it('null propagation through a non-null list item and a non-null root field nulls data', async () => {
    const list = await run('{ users { email } me { name } }', { User: { email: deny } }, {
      users: [{ __typename: 'User' }, { __typename: 'User' }],
      me: { name: 'Ada' },
    });
    // `users { email }` still runs, selecting `__typename`; each item's denied non-null email nulls
    // the item, the items are non-null, so the nullable list is null. Every item reports its error.
    expect(compact(list.printed)).toBe('{ users { __typename } me { name } }');
    expect(list.data).toEqual({ users: null, me: { name: 'Ada' } });
    expect(paths(list.errors)).toEqual(['users.0.email', 'users.1.email']);

    const root = await run('{ must { name email } me { name } }', { User: { email: deny } }, { must: { name: 'A' }, me: { name: 'B' } });
    expect(root.data).toBeNull();
    expect(paths(root.errors)).toEqual(['must.email']);
  });

  it('puts an error at every list index', async () => {
    const r = await run('{ users { name secret } }', { User: { secret: deny } }, { users: [{ name: 'A' }, { name: 'B' }] });
    expect(r.data).toEqual({ users: [{ name: 'A', secret: null }, { name: 'B', secret: null }] });
    expect(paths(r.errors)).toEqual(['users.0.secret', 'users.1.secret']);
  });

  it('matches fragments on abstract types by __typename, selected for the walk and stripped after', async () => {
    const r = await run(
      '{ search(q: "x") { ... on User { name secret } ... on Product { title } } }',
      { User: { secret: deny } },
      { search: [{ __typename: 'User', name: 'A' }, { __typename: 'Product', title: 'T' }] },
    );
    expect(compact(r.printed)).toBe('{ search(q: "x") { ... on User { name } ... on Product { title } __typename } }');
    expect(r.data).toEqual({ search: [{ name: 'A', secret: null }, { title: 'T' }] });
    expect(paths(r.errors)).toEqual(['search.0.secret']);
  });

  it('keeps __typename when the client asked for it', async () => {
    const r = await run('{ search { __typename ... on User { secret } ... on Product { title } } }', { User: { secret: deny } }, {
      search: [{ __typename: 'User' }],
    });
    expect(r.data).toEqual({ search: [{ __typename: 'User', secret: null }] });
  });

  it('drops variable definitions and fragments left unused', async () => {
    const r = await run(
      'query Q($id: ID!, $q: String) { node(id: $id) { id } search(q: $q) { __typename } me { ...R } } fragment R on User { secret }',
      { Query: { search: deny }, User: { secret: deny } },
      { node: { id: '1' }, me: { __typename: 'User' } },
      { id: '1', q: 'x' },
    );
    expect(compact(r.printed)).toBe('query Q($id: ID!) { node(id: $id) { id } me { __typename } }');
    expect(r.data).toEqual({ node: { id: '1' }, search: null, me: { secret: null } });
    expect(paths(r.errors)).toEqual(['search', 'me.secret']);
  });

  it('a field whose selections are all denied still runs: the errors go below it, and a null object stays null', async () => {
    const r = await run('{ me { secret } must { a: secret } }', { User: { secret: deny } }, { me: null, must: { __typename: 'User' } });
    expect(compact(r.printed)).toBe('{ me { __typename } must { __typename } }');
    expect(r.data).toEqual({ me: null, must: { a: null } });
    expect(paths(r.errors)).toEqual(['must.a']);
  });

  it('honours @skip and @include with the request variables', async () => {
    const query = 'query($s: Boolean!) { me { name secret @include(if: $s) } }';
    const off = await run(query, { User: { secret: deny } }, { me: { name: 'A' } }, { s: false });
    expect(off.denials.size).toBe(0);
    expect(off.errors).toEqual([]);
    const on = await run(query, { User: { secret: deny } }, { me: { name: 'A' } }, { s: true });
    expect(on.data).toEqual({ me: { name: 'A', secret: null } });
    expect(paths(on.errors)).toEqual(['me.secret']);
  });

  it('an operation with every root field denied is empty: nothing is sent, and the root fields are null', async () => {
    const r = await run('mutation { a b }', { Mutation: { a: deny, b: deny } }, null);
    expect(r.pruned.rootEmpty).toBe(true);
    expect(r.data).toEqual({ a: null, b: null });
    expect(paths(r.errors)).toEqual(['a', 'b']);
    // A denied non-null root field nulls data itself.
    const must = await run('{ must { name } }', { Query: { must: deny } }, null);
    expect(must.pruned.rootEmpty).toBe(true);
    expect(must.data).toBeNull();
    expect(paths(must.errors)).toEqual(['must']);
  });

  it('a field selected through an interface must pass the rules of every implementation', async () => {
    const r = await run('{ node(id: "1") { id } }', { Product: { id: deny } }, { node: { id: '1' } });
    expect(r.plan.checks.map((c) => c.coordinate)).toEqual(['Node.id']);
    expect(r.denials.size).toBe(1);
  });

  it('introspection is never checked, and operations without rules plan no checks', async () => {
    const r = await run('{ __typename me { __typename name } }', { Query: deny, User: deny }, null);
    expect(r.plan.checks.map((c) => c.coordinate)).toEqual(['Query.me', 'User.name']);
    const none = await run('{ me { name } }', {}, null);
    expect(none.plan.checks).toEqual([]);
  });

  it('evaluates a context-only rule once per request, and passes arguments to the others', async () => {
    let contextual = 0;
    const seen: unknown[] = [];
    const once = rule('once', { cache: 'contextual' })(() => {
      contextual++;
      return true;
    });
    const byArgs = rule('byArgs')((_p, args: { q?: string }) => {
      seen.push(args.q);
      return args.q !== 'forbidden';
    });
    const r = await run(
      'query($q: String) { me { name best { name } } search(q: $q) { __typename } }',
      { User: { name: once }, Query: { search: byArgs } },
      null,
      { q: 'forbidden' },
    );
    expect(contextual).toBe(1);
    expect(seen).toEqual(['forbidden']);
    expect([...r.denials.values()]).toEqual([{ code: 'FORBIDDEN', message: 'The viewer is not allowed to do this.' }]);
  });
});
