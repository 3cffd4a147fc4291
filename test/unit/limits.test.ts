import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countFetches, createFetchBudget } from '../../src/gateway/fetchBudget.js';
import { operationLimitRules } from '../../src/graphql/plugins/useOperationLimits.js';

const schema = buildSchema(`
  type Query { node(id: ID): Node, a: String }
  type Node { id: ID, child: Node, name: String }
`);
const rules = operationLimitRules({ maxDepth: 4, maxAliases: 3, maxTokens: 100, maxDirectives: 2 });
const limitsOf = (query: string) => validate(schema, parse(query), rules).map((e) => e.extensions);
const messagesOf = (query: string) => validate(schema, parse(query), rules).map((e) => e.message);

describe('operation limit rules (graphql-armor)', () => {
  it('accepts an operation within every limit', () => {
    expect(limitsOf('{ node(id: "1") { id name child { id } } }')).toEqual([]);
  });

  it('refuses depth over the limit, through fragments too', () => {
    const errors = limitsOf('{ node { ...F } } fragment F on Node { child { child { child { child { id } } } } }');
    expect(errors).toContainEqual(expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth' }));
  });

  it('says what was found and what the limit is, in plain words (no "Syntax Error": the operation parsed)', () => {
    const [depth] = validate(schema, parse('{ node { child { child { child { child { id } } } } } }'), rules);
    expect(depth?.message).toBe('The operation is nested 6 levels deep; the limit is 4.');
    expect(depth?.extensions).toMatchObject({ limit: 'depth', max: 4, found: 6 });
    expect(messagesOf('{ a1: a a2: a a3: a a4: a }')).toEqual(['The operation has 4 aliases; the limit is 3.']);
    expect(messagesOf('{ a @skip(if: false) @include(if: true) name: a @skip(if: false) }')).toEqual(['The operation has 3 directives; the limit is 2.']);
  });

  it('refuses an alias flood', () => {
    expect(limitsOf('{ a1: a a2: a a3: a a4: a }')).toEqual([expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases' })]);
  });

  it('refuses too many directives', () => {
    const errors = limitsOf('{ a @skip(if: false) @include(if: true) name: a @skip(if: false) }');
    expect(errors.map((e) => e.limit)).toContain('directives');
  });

  it('counts __typename aliases like any other: a __typename flood is refused', () => {
    expect(limitsOf('{ t1: __typename t2: __typename t3: __typename t4: __typename }')).toEqual([
      expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'aliases' }),
    ]);
    expect(limitsOf('{ t1: __typename t2: __typename t3: __typename }')).toEqual([]);
  });

  it('counts aliases inside fragments, once per operation', () => {
    expect(limitsOf('{ node { ...F } } fragment F on Node { x1: id x2: id x3: name x4: name }').map((e) => e.limit)).toEqual(['aliases']);
  });

  it('leaves introspection depth alone', () => {
    expect(limitsOf('{ __schema { types { fields { type { ofType { name } } } } } }').map((e) => e.limit)).not.toContain('depth');
  });
});

describe('fetch budget', () => {
  const fetch = { kind: 'Fetch' };
  const plan = {
    kind: 'QueryPlan',
    node: {
      kind: 'Sequence',
      nodes: [
        fetch,
        { kind: 'Parallel', nodes: [{ kind: 'Flatten', node: fetch }, { kind: 'Flatten', node: fetch }] },
        { kind: 'Condition', ifClause: fetch, elseClause: { kind: 'Sequence', nodes: [fetch, fetch] } },
        { kind: 'Defer', primary: { node: fetch }, deferred: [{ node: fetch }, {}] },
      ],
    },
  };

  it('counts every fetch through sequence, parallel, flatten, condition and defer', () => {
    expect(countFetches(plan)).toBe(8);
    expect(countFetches({ kind: 'QueryPlan' })).toBe(0);
  });

  it('refuses a plan over budget with OPERATION_LIMIT_EXCEEDED and HTTP 400', () => {
    let refused = 0;
    expect(() => createFetchBudget(8)(plan)).not.toThrow();
    const check = createFetchBudget(7, () => refused++);
    expect(() => check(plan)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'subgraphFetches', actual: 8, http: expect.objectContaining({ status: 400 }) }) }));
    expect(refused).toBe(1);
  });
});
