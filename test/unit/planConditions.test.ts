import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { conditionVariables, withConditionsApplied } from '../../src/gateway/planning/conditions.js';

const DOCUMENT = parse(`
  query Q($a: Boolean!, $b: Boolean = false, $c: Boolean = true, $unused: Int) {
    x @include(if: $a) { id }
    y { id z @skip(if: $b) ... on Y @include(if: $a) { w } ...F @skip(if: true) }
    v { only @include(if: $b) }
  }
  fragment F on Y { f @include(if: $c) }
`);

const flat = (document: ReturnType<typeof parse>) => print(document).replace(/\s+/g, ' ');

describe('@skip/@include decided before a corrected plan', () => {
  it('names the variables every condition reads, fragments included', () => {
    expect(conditionVariables(DOCUMENT)).toEqual(['a', 'b', 'c']);
    expect(conditionVariables(parse('{ a @skip(if: true) b }'))).toEqual([]);
  });

  // Variables as the gateway passes them: coerced, defaults applied.
  it('keeps what holds without its directive, drops what does not, and never leaves a selection set empty', () => {
    expect(flat(withConditionsApplied(DOCUMENT, { a: true, b: false, c: true }))).toBe(
      flat(parse(`
        query Q($a: Boolean!, $b: Boolean = false, $c: Boolean = true, $unused: Int) {
          x { id }
          y { id z ... on Y { w } }
          v { __typename }
        }
      `)),
    );
    expect(flat(withConditionsApplied(DOCUMENT, { a: false, b: true, c: true }))).toBe(
      flat(parse(`
        query Q($a: Boolean!, $b: Boolean = false, $c: Boolean = true, $unused: Int) {
          y { id }
          v { only }
        }
      `)),
    );
  });

  it('keeps the fragments still spread, through other fragments too', () => {
    const nested = parse('query ($a: Boolean!) { x { ...A ...B @include(if: $a) } } fragment A on X { ...C } fragment B on X { b } fragment C on X { c }');
    expect(flat(withConditionsApplied(nested, { a: false }))).toBe(flat(parse('query ($a: Boolean!) { x { ...A } } fragment A on X { ...C } fragment C on X { c }')));
  });

  it('needs both of two conditions on one selection', () => {
    const both = parse('query ($a: Boolean!, $b: Boolean!) { x @include(if: $a) @skip(if: $b) }');
    expect(flat(withConditionsApplied(both, { a: true, b: false }))).toContain('{ x }');
    expect(flat(withConditionsApplied(both, { a: true, b: true }))).toContain('{ __typename }');
  });
});
