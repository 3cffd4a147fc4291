import { buildSchema, parse, type FragmentDefinitionNode, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { forEachField, type SelectedField } from '../../src/operation/selections.js';

const schema = buildSchema(`
  type Query { node(id: ID!): Node me: User }
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String friends: [User] }
  type Order implements Node { id: ID! total: Int }
`);

function walk(source: string, parentName = 'Query'): { fields: SelectedField[]; fragments: Record<string, FragmentDefinitionNode> } {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]),
  );
  const fields: SelectedField[] = [];
  forEachField(schema, fragments, operation.selectionSet, schema.getType(parentName) as GraphQLObjectType, (field) => fields.push(field));
  return { fields, fragments };
}

const names = (fields: readonly SelectedField[]) => fields.map((f) => `${f.parent.name}.${f.node.name.value}`);

describe('forEachField', () => {
  it('reaches fields through inline fragments and spreads, each on the type it is selected on, in document order', () => {
    const { fields } = walk(`
      { node(id: "1") { __typename } ...Me ... on Query { node(id: "2") { id } } }
      fragment Me on Query { me { id } }
    `);
    expect(names(fields)).toEqual(['Query.node', 'Query.me', 'Query.node']);
    expect(fields.map((f) => f.definition.name)).toEqual(['node', 'me', 'node']);
  });

  it('stays on one level, gives a fragment its type condition, and passes over __typename and unknown fields', () => {
    const { fields } = walk(`{ ... on User { id name nope __typename } ...O }  fragment O on Order { total }`, 'Node');
    expect(names(fields)).toEqual(['User.id', 'User.name', 'Order.total']);
  });

  it('cuts a fragment spread inside itself on the path where it recurs, and hands the path on', () => {
    const { fields, fragments } = walk(`{ me { ...F } }  fragment F on User { name friends { ...F } }`);
    const me = fields[0]!;
    const inner: SelectedField[] = [];
    const user = schema.getType('User') as GraphQLObjectType;
    forEachField(schema, fragments, me.node.selectionSet!, user, (f) => inner.push(f), me.spreads);
    expect(names(inner)).toEqual(['User.name', 'User.friends']);
    expect([...inner[1]!.spreads]).toEqual(['F']);
    const deeper: SelectedField[] = [];
    forEachField(schema, fragments, inner[1]!.node.selectionSet!, user, (f) => deeper.push(f), inner[1]!.spreads);
    expect(deeper).toEqual([]);
    // Without the path, the same fragment is followed again.
    forEachField(schema, fragments, inner[1]!.node.selectionSet!, user, (f) => deeper.push(f));
    expect(names(deeper)).toEqual(['User.name', 'User.friends']);
  });
});
