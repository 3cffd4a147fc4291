// Generated federated graphs of a chosen size, for the scale benchmark and the tests that need a
// composition that takes a while. Each subgraph owns `typesPerSubgraph` types; entities are shared:
// every subgraph adds a field to the entities of its two neighbours, and all of them extend a few
// common ones, as product, review and inventory teams do in a real graph.

export interface GeneratedSubgraph {
  readonly name: string;
  readonly sdl: string;
}

export interface GraphShape {
  readonly subgraphs: number;
  readonly typesPerSubgraph?: number;
  /** Entities every subgraph extends (the `Product`s and `User`s of a real graph). */
  readonly commonEntities?: number;
}

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

export const subgraphName = (index: number): string => `s${String(index).padStart(3, '0')}`;
const entity = (index: number, type: number): string => `S${index}T${type}`;

/** One subgraph of the graph; `extraField` adds a root field (a new version of the same subgraph). */
export function generateSubgraph(index: number, shape: GraphShape, extraField?: string): GeneratedSubgraph {
  const types = shape.typesPerSubgraph ?? 20;
  const common = shape.commonEntities ?? 4;
  const name = subgraphName(index);
  const lines = [FEDERATION, ''];
  lines.push('type Query {');
  lines.push(`  ${name}Items(first: Int = 10): [${entity(index, 0)}!]!`);
  lines.push(`  ${name}Item(id: ID!): ${entity(index, 0)}`);
  if (extraField) lines.push(`  ${extraField}: String`);
  lines.push('}', '');
  for (let t = 0; t < types; t++) {
    lines.push(`"""Type ${t} of ${name}."""`);
    lines.push(`type ${entity(index, t)} @key(fields: "id") {`);
    lines.push('  id: ID!', '  name: String', '  value: Int', '  tags: [String!]');
    if (t + 1 < types) lines.push(`  next: ${entity(index, t + 1)}`);
    lines.push(`  common: Common${t % common}`);
    lines.push('}', '');
  }
  // Neighbours' entities, extended with a field this subgraph resolves.
  for (const neighbour of [index - 1, index + 1]) {
    if (neighbour < 0 || neighbour >= shape.subgraphs) continue;
    for (const t of [0, 1]) lines.push(`type ${entity(neighbour, t)} @key(fields: "id") {`, '  id: ID!', `  ${name}Score: Float`, '}', '');
  }
  for (let c = 0; c < common; c++) {
    lines.push(`type Common${c} @key(fields: "id") {`, '  id: ID!', '  label: String @shareable', `  ${name}Count: Int`, '}', '');
  }
  return { name, sdl: lines.join('\n') };
}

export function generateGraph(shape: GraphShape): GeneratedSubgraph[] {
  return Array.from({ length: shape.subgraphs }, (_, i) => generateSubgraph(i, shape));
}
