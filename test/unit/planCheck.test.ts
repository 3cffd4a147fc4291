import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { misplanned, planFactsOf } from '../../src/gateway/planning/planCheck.js';
import { interfaceObjectSuite } from '../federation/suites/interfaceObject.js';
import { keysSuite } from '../federation/suites/keys.js';
import { requiresSuite } from '../federation/suites/requires.js';
import { shopSuite } from '../federation/suites/shop.js';
import type { Suite } from '../federation/harness.js';
import { supergraphOf } from '../helpers/supergraph.js';

/** Apollo's plan for `query` over the suite's supergraph, and what the check makes of it. */
function check(suite: Suite, query: string) {
  const supergraph = Supergraph.build(supergraphOf(suite.subgraphs.map((s) => ({ name: s.name, url: `http://127.0.0.1:1/${s.name}`, sdl: s.typeDefs }))));
  const document = parse(query);
  const plan = new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.apiSchema(), document));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return misplanned(plan, operation, fragments, planFactsOf(supergraph));
}

describe('plans Apollo\'s planner is known to get wrong', () => {
  it('a fetch of a field whose @requires selects a field with arguments', () => {
    expect(check(requiresSuite, '{ posts { firstCommenter recentCommenters } }')).toBe('requires-arguments');
    expect(check(requiresSuite, '{ posts { id comments(limit: 2) { id } recentCommenters } }')).toBe('requires-arguments');
    expect(check(requiresSuite, 'query Q { posts { ...F } } fragment F on Post { mediaScore }')).toBe('requires-arguments');
  });

  it('an entity fetch whose representations hold none of the subgraph\'s resolvable keys', () => {
    expect(check(keysSuite, '{ team { id members { id name greeting } } }')).toBe('unresolvable-key');
  });

  it('a root field no fetch asks for', () => {
    expect(check(interfaceObjectSuite, '{ orphan { stars } }')).toBe('unplanned-root-field');
    expect(check(interfaceObjectSuite, '{ renamed: orphan { stars } media { id } }')).toBe('unplanned-root-field');
  });

  it('leaves every other plan alone', () => {
    const fine: [Suite, string][] = [
      [requiresSuite, '{ posts { title summary readingMinutes wordCount } }'],
      [keysSuite, '{ team { members { handle avatar name } } person(id: "u1") { handle greeting } shelves { label } }'],
      [interfaceObjectSuite, '{ media { title stars headline } topRated { ... on Book { pages } } orphan { id } archived { title } }'],
      [shopSuite, 'query ($x: Boolean!) { version products { name price @include(if: $x) inStock } search(term: "a") { __typename } }'],
      [shopSuite, 'mutation { setPrice(upc: "p1", cents: 1) { product { name inStock } } addProduct(name: "x") { sequence } }'],
      // Introspection and __typename are answered by the gateway; a root field skipped by a literal is never asked.
      [shopSuite, '{ __typename __schema { queryType { name } } products @skip(if: true) { upc } node(id: "x") @include(if: false) { id } }'],
    ];
    for (const [suite, query] of fine) expect(check(suite, query), query).toBeUndefined();
  });
});
