import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { coercedVariables } from '../../src/operation/document.js';

const schema = buildSchema('type Query { a(n: Int): Int b(s: String): String }');
const operation = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;

describe('coerced variables', () => {
  it('are coerced once per request, also for the copy of the request the gateway gets', () => {
    const op = operation('query Q($n: Int = 3, $m: Int) { a(n: $n) b: a(n: $m) }');
    const request = { variables: { m: 5 } };
    const first = coercedVariables(schema, op, request);
    expect(first).toEqual({ n: 3, m: 5 });
    // Apollo Server hands the gateway a new request object around the same variables object.
    expect(coercedVariables(schema, op, { ...request })).toBe(first);
    // Another request, even with equal variables, is coerced on its own.
    expect(coercedVariables(schema, op, { variables: { m: 5 } })).not.toBe(first);
  });

  it('tell operations apart that share a variables object', () => {
    const variables = { v: '7' };
    expect(coercedVariables(schema, operation('query A($v: String) { b(s: $v) }'), { variables })).toEqual({ v: '7' });
    expect(() => coercedVariables(schema, operation('query B($v: Int) { a(n: $v) }'), { variables })).toThrow(/Int cannot represent/);
  });

  it('refuse variables that do not fit as BAD_USER_INPUT', () => {
    try {
      coercedVariables(schema, operation('query Q($n: Int!) { a(n: $n) }'), {});
      expect.unreachable();
    } catch (error) {
      expect((error as { extensions: unknown }).extensions).toMatchObject({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    }
  });
});
