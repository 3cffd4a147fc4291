import v8 from 'node:v8';
import { buildSchema, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { internNames } from '../../src/composition/oneByteNames.js';

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

  it('is idempotent and leaves one-byte SDL as it is', () => {
    const sdl = 'type Query { plainAsciiName: Int }';
    expect(internNames(internNames(sdl))).toBe(sdl);
    expect(isTwoByte(answerKeyedBy(sdl))).toBe(false);
  });
});
