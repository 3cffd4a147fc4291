import v8 from 'node:v8';
import { buildSchema, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compose } from '../../src/composition/compose.js';
import { internNames } from '../../src/composition/oneByteNames.js';
import { SupergraphManager } from '../../src/composition/supergraphManager.js';

/** Whether V8 stores the string two bytes a character (its serializer tags those with `c`). */
const isTwoByte = (value: string): boolean => v8.serialize(value)[2] === 'c'.charCodeAt(0);

/** An answer keyed by the first field name of `sdl`, serialized as the gateway serializes answers. */
function answerKeyedBy(sdl: string): string {
  const field = (parse(sdl).definitions[0] as ObjectTypeDefinitionNode).fields![0]!.name.value;
  buildSchema(sdl);
  return JSON.stringify({ data: { [field]: 'ascii value' } });
}

describe('internNames', () => {
  it('keeps field names from SDL with wide characters one-byte, so answers serialize one byte a character', () => {
    const sdl = 'type Query {\n  "Search by title… or by SKU"\n  searchWithEllipsisInterned: String\n}';
    expect(internNames(sdl)).toBe(sdl);
    expect(isTwoByte(answerKeyedBy(sdl))).toBe(false);
  });

  it('without it, the first name V8 meets is the two-byte slice, and every answer with it is two-byte', () => {
    const sdl = 'type Query {\n  "Search by title… or by SKU"\n  searchWithEllipsisNotInterned: String\n}';
    expect(isTwoByte(answerKeyedBy(sdl))).toBe(true);
  });

});

/**
 * Where SDL enters the gateway: each must intern before anything builds from it. The field name is
 * new to the process, and the probe for it is built at run time, so only what happened to the SDL
 * decides which copy V8 keeps.
 */
describe('SDL entry points intern their names', () => {
  const wideSdl = (field: string) => `"Wide… description"\ntype Query { ${field}: String }`;
  const freshName = () => {
    const id = Math.random().toString(36).slice(2, 10);
    return { field: `probe${id}Field`, probe: () => ['probe', id, 'Field'].join('') };
  };
  const keyIsTwoByte = (name: string) => isTwoByte(JSON.stringify({ [name]: 1 }));

  it('compose: composition (which keys objects by field name) keeps them one-byte', () => {
    const { field, probe } = freshName();
    const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n${wideSdl(field)}`;
    expect(compose([{ name: 'wide', url: 'http://127.0.0.1:1/graphql', sdl }]).ok).toBe(true);
    expect(keyIsTwoByte(probe())).toBe(false);
  });

  it('the supergraph manager: the first graph and every graph it applies, before the gateway builds them', async () => {
    const first = freshName();
    const next = freshName();
    const manager = new SupergraphManager(async () => wideSdl(first.field));
    // Stands in for the gateway, which builds a schema from whatever SDL it is handed.
    const update = async (sdl: string) => void buildSchema(sdl);
    const { supergraphSdl } = await manager.initialize({ update });
    buildSchema(supergraphSdl);
    await manager.apply(wideSdl(next.field));
    expect(keyIsTwoByte(first.probe())).toBe(false);
    expect(keyIsTwoByte(next.probe())).toBe(false);
  });
});
